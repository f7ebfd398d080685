import type { TemplateView } from '../api/types.js';

/** Templates in the shapes Meta lists them (as the sandbox offers them on every WABA). */
export function template(
  partial: Partial<TemplateView> & Pick<TemplateView, 'name' | 'components'>,
): TemplateView {
  return {
    waba_id: 'w1',
    id: partial.name,
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    ...partial,
  };
}

export const HELLO_WORLD = template({
  name: 'hello_world',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
    { type: 'BODY', text: 'Welcome and congratulations!!' },
    { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
  ],
});

export const SHIPPING_UPDATE = template({
  name: 'shipping_update',
  components: [
    {
      type: 'BODY',
      text: 'Hi {{1}}, your order {{2}} has shipped and should arrive on {{3}}.',
      example: { body_text: [['Pablo', '860198-230332', 'Friday']] },
    },
    { type: 'FOOTER', text: 'Reply STOP to stop these updates' },
    {
      type: 'BUTTONS',
      buttons: [
        {
          type: 'URL',
          text: 'Track package',
          url: 'https://shop.example.com/track/{{1}}',
          example: ['https://shop.example.com/track/860198-230332'],
        } as never,
      ],
    },
  ],
});

export const ORDER_CONFIRMATION = template({
  name: 'order_confirmation',
  parameter_format: 'NAMED',
  components: [
    {
      type: 'BODY',
      text: 'Thank you, {{first_name}}! Your order number is {{order_number}}.',
      example: {
        body_text_named_params: [
          { param_name: 'first_name', example: 'Pablo' },
          { param_name: 'order_number', example: '860198-230332' },
        ],
      },
    },
  ],
});

export const WELCOME_DISCOUNT = template({
  name: 'welcome_discount_template',
  category: 'MARKETING',
  parameter_format: 'NAMED',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://example.com/welcome.jpg'] } },
    { type: 'BODY', text: 'Welcome, {{first_name}}! Use code {{discount_code}}.' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'COPY_CODE', text: 'Copy code' },
        { type: 'QUICK_REPLY', text: 'Stop' },
      ],
    },
  ],
});

export const COUPON_REMINDER = template({
  name: 'coupon_expiration_reminder_number_vars',
  language: 'en',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Act fast, {{1}}!', example: { header_text: ['Pablo'] } },
    { type: 'BODY', text: 'Your code {{2}} and {{1}} expire.' },
  ],
});
