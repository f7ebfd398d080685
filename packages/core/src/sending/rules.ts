import { type BindingStatus, canSend } from '../binding/state.js';
import { checkCoexistenceSupport } from '../compatibility/support.js';
import type { OutboundMessage } from '../messages/outbound.js';
import { allow, type RuleResult, refuse } from '../refusal.js';
import type { ServiceWindow } from '../service-window/window.js';
import { checkTemplateMessage, type TemplateRefusalCode } from '../templates/check.js';
import type { TemplateDefinition } from '../templates/definition.js';

export type SendRefusalCode =
  | 'number_not_active'
  | 'timezone_required'
  | 'unsupported_on_coexistence'
  | 'outside_service_window'
  | 'recipient_opted_out'
  | TemplateRefusalCode;

/** What the rules need to know about the sending number, as of now. */
export interface SendingNumber {
  phoneNumberId: string;
  status: BindingStatus;
  timezone: string | null;
}

export interface SendRuleInput {
  number: SendingNumber;
  /** the body as the client sent it: the coexistence check also reads fields the schema drops */
  rawBody: unknown;
  message: OutboundMessage;
  /** the recipient's customer-service window, as of `now` */
  window: ServiceWindow;
  /** the recipient asked to stop marketing (a STOP keyword or Meta's 131050) */
  optedOutOfMarketing: boolean;
  /** the WABA's templates as last synced */
  templates: readonly TemplateDefinition[];
  now: number;
}

export interface SendPermission {
  /** the template that will be sent, for template messages */
  template: TemplateDefinition | null;
  /** free-form messages: when the window closes; a queued message must go before then */
  windowClosesAt: number | null;
}

/**
 * Everything we can know before Meta answers: the number may send, the request asks for nothing
 * coexistence lacks, a free-form message falls inside the customer-service window, a template
 * is approved and filled, and a marketing template does not go to someone who opted out.
 * The api runs it when a message is accepted and the sender again right before sending, with
 * the clock and state of that moment; Meta's 131047, 132000/132001/132015/132016 and 131050
 * never have to happen.
 */
export function checkSendRules(input: SendRuleInput): RuleResult<SendPermission, SendRefusalCode> {
  const { number, message } = input;
  if (!canSend(number.status)) {
    return refuse(
      'number_not_active',
      number.status === 'removed'
        ? 'This number was unlinked from the Cloud API in the WhatsApp Business app (Settings > Account > Business Platform), so it can no longer send. Connect it again with a new binding.'
        : `This number cannot send: its binding is ${number.status}, not active. Finish connecting it first.`,
      { phone_number_id: number.phoneNumberId, status: number.status },
    );
  }
  if (!number.timezone) {
    return refuse(
      'timezone_required',
      'This number has no time zone yet. Set the time zone of the country where the number is used before sending.',
      { phone_number_id: number.phoneNumberId },
    );
  }

  const support = checkCoexistenceSupport(input.rawBody);
  if (!support.ok) return support;

  if (message.type === 'template') {
    const template = checkTemplateMessage(input.templates, message.template);
    if (!template.ok) return template;
    if (template.value.category === 'MARKETING' && input.optedOutOfMarketing) {
      return refuse(
        'recipient_opted_out',
        `${message.to} asked not to receive marketing messages, so the marketing template "${template.value.name}" cannot be sent to them. Utility templates and replies inside their service window still can.`,
        { to: message.to, template: template.value.name, category: template.value.category },
      );
    }
    return allow({ template: template.value, windowClosesAt: null });
  }

  if (!input.window.open) {
    return refuse(
      'outside_service_window',
      input.window.lastInboundAt === null
        ? `${message.to} has not written to this number since it was connected to the Cloud API, so only an approved template can start the conversation (Meta would answer 131047).`
        : `${message.to} last wrote ${new Date(input.window.lastInboundAt).toISOString()}; the 24-hour customer-service window closed ${new Date(input.window.closesAt ?? 0).toISOString()}. Send an approved template instead (Meta would answer 131047).`,
      {
        to: message.to,
        last_inbound_at: input.window.lastInboundAt,
        window_closed_at: input.window.closesAt,
      },
    );
  }
  return allow({ template: null, windowClosesAt: input.window.closesAt });
}
