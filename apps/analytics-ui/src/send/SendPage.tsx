import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { ApiError } from '../api/client.js';
import { useApi } from '../api/context.js';
import type { ContactDetail, ContactSummary, NumberView, TemplateView } from '../api/types.js';
import { useResource } from '../api/useResource.js';
import { Link, navigate, useLocation, withQuery } from '../app/router.js';
import { formatDateTime, formatRelative } from '../format/dates.js';
import { formatCount } from '../format/numbers.js';
import { formatPhone } from '../format/phone.js';
import { NumberPicker, useNumbers } from '../numbers/useNumbers.js';
import { Badge, BindingBadge } from '../ui/Badge.js';
import { Icon, Spinner } from '../ui/Icon.js';
import { Card, EmptyState, ErrorNotice, Loading, Notice, PageHeader } from '../ui/layout.js';
import { useNow } from '../ui/useNow.js';
import { useTitle } from '../ui/useTitle.js';
import { MessageTracker, type SentMessage, useRecentSends } from './MessageTracker.js';
import { formatCountdown, normaliseRecipient, windowState } from './serviceWindow.js';
import {
  fieldProblems,
  previewTemplate,
  sendableTemplates,
  templateFields,
  templateKey,
  templateMessage,
  textMessage,
} from './templateForm.js';
import { whatsappText } from './whatsappText.js';

const notOffered = (error: unknown) =>
  error instanceof ApiError &&
  (error.code === 'route_not_found' || (error.status === 404 && error.code !== 'not_found'));

function RecipientPicker({
  number,
  selected,
  selectedName,
  onSelect,
}: {
  number: NumberView;
  selected: string | null;
  selectedName: string | null;
  onSelect: (waId: string | null) => void;
}) {
  const api = useApi();
  const id = useId();
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query.trim()), 250);
    return () => clearTimeout(timer);
  }, [query]);
  const path = `/v1/numbers/${encodeURIComponent(number.phone_number_id)}/contacts?limit=8${
    debounced ? `&search=${encodeURIComponent(debounced)}` : ''
  }`;
  const contacts = useResource(selected ? null : path, (signal) =>
    api.get<{ data: ContactSummary[] }>(path, signal).then((r) => r.data),
  );
  const typed = normaliseRecipient(query);
  const searchUnavailable = notOffered(contacts.error);

  if (selected) {
    return (
      <div className="recipient-chosen">
        <span>
          <Icon name="phone" /> <strong>{selectedName ?? formatPhone(selected)}</strong>
          {selectedName ? <span className="muted small nowrap"> {formatPhone(selected)}</span> : null}
        </span>
        <button type="button" className="button button-ghost button-small" onClick={() => onSelect(null)}>
          Change
        </button>
      </div>
    );
  }
  return (
    <div className="recipient-picker">
      <div className="field">
        <label htmlFor={`${id}-search`}>To</label>
        <input
          id={`${id}-search`}
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Name or number with country code"
          autoComplete="off"
          aria-describedby={`${id}-help`}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && typed) {
              event.preventDefault();
              onSelect(typed);
            }
          }}
        />
        <p id={`${id}-help`} className="field-help">
          {searchUnavailable
            ? 'Contact search is not available on this api: type the number with its country code and press Enter.'
            : 'Search the number’s contacts, or type a number with its country code.'}
        </p>
      </div>
      {typed ? (
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => onSelect(typed)}
        >
          <Icon name="arrowRight" /> Write to {formatPhone(typed)}
        </button>
      ) : null}
      {contacts.error && !searchUnavailable ? (
        <ErrorNotice error={contacts.error} compact onRetry={contacts.reload} />
      ) : null}
      {contacts.loading ? <Spinner label="Searching contacts" /> : null}
      {contacts.data && contacts.data.length > 0 ? (
        <ul className="contact-results" aria-label="Contacts">
          {contacts.data.map((c) => (
            <li key={c.contact}>
              <button
                type="button"
                className="contact-result"
                onClick={() => onSelect(c.wa_id ?? c.contact)}
                disabled={!c.wa_id && !/^\d+$/.test(c.contact)}
              >
                <span className="label-strong">{c.name ?? formatPhone(c.wa_id ?? c.contact)}</span>
                <span className="muted small">
                  {c.name && c.wa_id ? `${formatPhone(c.wa_id)} · ` : ''}
                  {formatCount(c.messages)} messages
                  {c.last_message_at ? ` · last ${formatRelative(c.last_message_at)}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {contacts.data && contacts.data.length === 0 && debounced ? (
        <p className="muted small">No contact matches “{debounced}”.</p>
      ) : null}
    </div>
  );
}

function WindowStatus({
  contact,
  error,
  loading,
  timeZone,
}: {
  contact: ContactDetail | undefined;
  error: unknown;
  loading: boolean;
  timeZone: string | null;
}) {
  const now = useNow(1_000);
  if (loading) return <Spinner label="Checking the customer-service window" />;
  if (error && notOffered(error)) {
    return (
      <Notice tone="info" title="Window unknown">
        <p>This api cannot tell whether the customer wrote in the last 24 hours; templates always work.</p>
      </Notice>
    );
  }
  if (error && !(error instanceof ApiError && error.status === 404))
    return <ErrorNotice error={error} compact />;
  const state = windowState(contact ?? null, now);
  return (
    <div className="stack-tight" data-testid="window-status" data-window={state.kind}>
      {state.kind === 'open' ? (
        <div className="window window-open">
          <Icon name="check" />
          <div>
            <p className="label-strong">
              Window open{state.closesAt ? ` for ${formatCountdown(state.remainingMs)}` : ''}
            </p>
            <p className="small">
              The customer wrote{' '}
              {contact?.window.last_inbound_at
                ? formatRelative(contact.window.last_inbound_at, now)
                : 'recently'}
              : any message can be sent
              {state.closesAt ? ` until ${formatDateTime(state.closesAt, timeZone)}` : ''}.
            </p>
          </div>
        </div>
      ) : (
        <div className="window window-closed">
          <Icon name="lock" />
          <div>
            <p className="label-strong">Window closed: templates only</p>
            <p className="small">
              {state.kind === 'closed' && state.lastInboundAt
                ? `The customer last wrote ${formatRelative(state.lastInboundAt, now)}; the window lasts 24 hours.`
                : 'The customer has not written since the number was connected (history and messages from the phone app do not open the window).'}
            </p>
          </div>
        </div>
      )}
      {contact?.opted_out ? (
        <Notice tone="warn" title="Opted out of marketing">
          <p>
            Since {formatDateTime(contact.opted_out.at, timeZone)} ({contact.opted_out.reason}). Marketing
            templates are refused; send only what the customer asked for.
          </p>
        </Notice>
      ) : null}
    </div>
  );
}

export function Composer({
  number,
  to,
  contact,
  onSent,
}: {
  number: NumberView;
  to: string;
  contact: ContactDetail | undefined;
  onSent: (message: SentMessage) => void;
}) {
  const api = useApi();
  const now = useNow(1_000);
  const serviceWindow = windowState(contact ?? null, now);
  const textAllowed = serviceWindow.kind !== 'closed';
  const [mode, setMode] = useState<'template' | 'text'>('template');
  const templates = useResource(`templates:${number.waba_id}`, (signal) =>
    api.get<{ data: TemplateView[] }>(`/v1/templates?waba_id=${encodeURIComponent(number.waba_id)}`, signal),
  );
  const { approved, hidden } = useMemo(
    () => sendableTemplates(templates.data?.data ?? [], number.waba_id),
    [templates.data, number.waba_id],
  );
  const [templateId, setTemplateId] = useState('');
  const template = approved.find((t) => templateKey(t) === templateId) ?? approved[0];
  const fields = useMemo(() => (template ? templateFields(template) : []), [template]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [syncing, setSyncing] = useState(false);
  // one key per composed message: a double click or a retry after a timeout sends it once
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  useEffect(() => {
    if (!textAllowed && mode === 'text') setMode('template');
  }, [textAllowed, mode]);

  const problems =
    mode === 'template' ? fieldProblems(fields, values) : text.trim() ? {} : { text: 'Write the message.' };
  const preview = template ? previewTemplate(template, values) : null;

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length > 0 || (mode === 'template' && !template)) return;
    setSending(true);
    setError(null);
    const body =
      mode === 'template' && template ? templateMessage(template, to, values) : textMessage(to, text.trim());
    try {
      const answer = await api.post<{ messages: Array<{ id: string }>; status: string }>(
        `/v1/numbers/${encodeURIComponent(number.phone_number_id)}/messages`,
        body,
        { 'Idempotency-Key': idempotencyKey },
      );
      const id = answer.messages[0]?.id;
      if (id) {
        onSent({
          id,
          to,
          summary:
            mode === 'template' && template ? `Template ${template.name}` : `“${text.trim().slice(0, 60)}”`,
          sentAt: Date.now(),
        });
      }
      setIdempotencyKey(crypto.randomUUID());
      setValues({});
      setText('');
      setTouched(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setSending(false);
    }
  };

  const syncTemplates = async () => {
    setSyncing(true);
    try {
      await api.post('/v1/templates/sync', { waba_id: number.waba_id });
      templates.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setSyncing(false);
    }
  };

  return (
    <form className="form composer" onSubmit={send} noValidate>
      <fieldset className="field">
        <legend>Message</legend>
        <div className="segmented" role="radiogroup" aria-label="Kind of message">
          <label className="segmented-option" data-checked={mode === 'template'}>
            <input
              type="radio"
              name="mode"
              checked={mode === 'template'}
              onChange={() => setMode('template')}
            />
            Template
          </label>
          <label className="segmented-option" data-checked={mode === 'text'} data-disabled={!textAllowed}>
            <input
              type="radio"
              name="mode"
              checked={mode === 'text'}
              disabled={!textAllowed}
              onChange={() => setMode('text')}
              aria-describedby={!textAllowed ? 'text-locked' : undefined}
            />
            Text
          </label>
        </div>
        {!textAllowed ? (
          <p id="text-locked" className="field-help">
            <Icon name="lock" /> Free text needs an open window; outside it Meta only delivers approved
            templates.
          </p>
        ) : null}
      </fieldset>

      {mode === 'text' ? (
        <div className="field">
          <label htmlFor="message-text">Text</label>
          <textarea
            id="message-text"
            rows={4}
            maxLength={4096}
            value={text}
            onChange={(event) => setText(event.target.value)}
            aria-invalid={touched && problems.text ? true : undefined}
          />
          {touched && problems.text ? <p className="field-error">{problems.text}</p> : null}
        </div>
      ) : (
        <>
          {templates.loading ? <Loading label="Loading templates" height={80} /> : null}
          {templates.error ? (
            <ErrorNotice error={templates.error} compact onRetry={templates.reload} />
          ) : null}
          {templates.data && approved.length === 0 ? (
            <EmptyState
              title="No approved templates for this number."
              action={
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={syncTemplates}
                  disabled={syncing}
                >
                  {syncing ? <Spinner /> : <Icon name="refresh" />} Sync templates from Meta
                </button>
              }
            >
              <p>Create templates in WhatsApp Manager; once Meta approves them they appear here.</p>
            </EmptyState>
          ) : null}
          {template ? (
            <>
              <div className="field">
                <div className="row-between">
                  <label htmlFor="template">Template</label>
                  <button
                    type="button"
                    className="link-button small"
                    onClick={syncTemplates}
                    disabled={syncing}
                  >
                    {syncing ? 'Syncing…' : 'Sync from Meta'}
                  </button>
                </div>
                <select
                  id="template"
                  value={templateKey(template)}
                  onChange={(event) => {
                    setTemplateId(event.target.value);
                    setValues({});
                    setTouched(false);
                  }}
                >
                  {approved.map((t) => (
                    <option key={templateKey(t)} value={templateKey(t)}>
                      {t.name} ({t.language}) · {t.category.toLowerCase()}
                    </option>
                  ))}
                </select>
                <p className="field-help">
                  Approved templates only
                  {hidden > 0 ? `; ${hidden} more await approval or are paused` : ''}.
                </p>
              </div>
              {fields.length === 0 ? (
                <p className="muted small">This template has no fields to fill in.</p>
              ) : null}
              {fields.map((field) => (
                <div className="field" key={`${templateKey(template)}:${field.id}`}>
                  <label htmlFor={`field-${field.id}`}>{field.label}</label>
                  <input
                    id={`field-${field.id}`}
                    name={field.id}
                    type={field.kind === 'text' || field.kind === 'coupon_code' ? 'text' : 'url'}
                    value={values[field.id] ?? ''}
                    placeholder={field.example ? `e.g. ${field.example}` : undefined}
                    onChange={(event) => setValues({ ...values, [field.id]: event.target.value })}
                    aria-invalid={touched && problems[field.id] ? true : undefined}
                    aria-describedby={touched && problems[field.id] ? `error-${field.id}` : undefined}
                  />
                  {touched && problems[field.id] ? (
                    <p className="field-error" id={`error-${field.id}`}>
                      {problems[field.id]}
                    </p>
                  ) : null}
                </div>
              ))}
              {preview ? (
                <figure className="preview">
                  <figcaption className="preview-caption">Preview</figcaption>
                  <div className="bubble">
                    {preview.headerMedia ? <div className="bubble-media">{preview.headerMedia}</div> : null}
                    {preview.header ? <p className="bubble-header">{whatsappText(preview.header)}</p> : null}
                    <p className="bubble-body">{whatsappText(preview.body)}</p>
                    {preview.footer ? <p className="bubble-footer">{preview.footer}</p> : null}
                    {preview.buttons.length > 0 ? (
                      <ul className="bubble-buttons">
                        {preview.buttons.map((b) => (
                          <li key={b}>{b}</li>
                        ))}
                      </ul>
                    ) : null}
                  </div>
                </figure>
              ) : null}
            </>
          ) : null}
        </>
      )}
      {error ? <ErrorNotice error={error} title="Not sent" /> : null}
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={sending || (mode === 'template' && !template)}
          data-testid="send-button"
        >
          {sending ? <Spinner /> : <Icon name="send" />}
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}

export function SendPage() {
  useTitle('Send');
  const api = useApi();
  const location = useLocation();
  const numbers = useNumbers();
  const list = numbers.data ?? [];
  const wanted = location.query.get('number');
  const number = list.find((n) => n.phone_number_id === wanted) ?? (wanted ? undefined : list[0]);
  const to = location.query.get('to');
  const [sent, setSent] = useRecentSends(number?.phone_number_id ?? null);

  const contactPath =
    number && to
      ? `/v1/numbers/${encodeURIComponent(number.phone_number_id)}/contacts/${encodeURIComponent(to)}`
      : null;
  const contact = useResource(
    contactPath,
    (signal) => api.get<ContactDetail>(contactPath as string, signal),
    {
      refreshMs: (_, error) => (error ? null : 30_000),
    },
  );

  // a contact Coexist never heard from has no window: templates only
  const unknownContact =
    contact.error instanceof ApiError && contact.error.status === 404 && contact.error.code === 'not_found';
  const contactDetail: ContactDetail | undefined =
    contact.data ??
    (unknownContact && to
      ? {
          wa_id: to,
          name: null,
          window: { open: false, last_inbound_at: null, closes_at: null },
          opted_out: null,
        }
      : undefined);

  useEffect(() => {
    if (!wanted && number)
      navigate(withQuery(location, { number: number.phone_number_id }), { replace: true });
  }, [wanted, number, location]);

  if (numbers.loading) return <Loading label="Loading your numbers" height={400} />;
  if (numbers.error && !numbers.data) return <ErrorNotice error={numbers.error} onRetry={numbers.reload} />;
  if (list.length === 0) {
    return (
      <>
        <PageHeader title="Send a message" />
        <EmptyState
          title="Connect a number first."
          action={
            <Link to="/connect" className="button button-primary">
              <Icon name="plus" /> Connect a number
            </Link>
          }
        />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Send a message"
        subtitle="Templates any time; free text while the customer’s 24-hour window is open. Coexist checks Meta’s rules before sending."
      />
      <div className="toolbar">
        <NumberPicker
          numbers={list}
          value={number?.phone_number_id ?? null}
          onChange={(id) => navigate(withQuery(location, { number: id, to: null }))}
          label="From"
        />
        {number ? <BindingBadge status={number.status} /> : null}
      </div>
      {!number ? <EmptyState title="This number is not in your account." /> : null}
      {number && number.status !== 'active' ? (
        <Notice tone="warn" title="This number cannot send">
          <p>
            It is not active.{' '}
            {number.status === 'removed'
              ? 'The owner unlinked it; connect it again.'
              : 'Finish connecting it first.'}{' '}
            <Link to={`/numbers/${number.phone_number_id}`}>See the number</Link>
          </p>
        </Notice>
      ) : null}
      {number ? (
        <div className="send-layout">
          <Card title="Compose" id="compose">
            <div className="stack">
              <RecipientPicker
                number={number}
                selected={to}
                selectedName={contactDetail?.name ?? null}
                onSelect={(waId) => navigate(withQuery(location, { to: waId }), { replace: true })}
              />
              {to ? (
                <>
                  <WindowStatus
                    contact={contactDetail}
                    error={unknownContact ? null : contact.error}
                    loading={contact.loading}
                    timeZone={number.timezone}
                  />
                  <Composer
                    key={`${number.phone_number_id}:${to}`}
                    number={number}
                    to={to}
                    contact={contactDetail}
                    onSent={(message) => setSent(message)}
                  />
                </>
              ) : null}
            </div>
          </Card>
          <Card title="Sent from this page" id="sent" description="Each message’s status as Meta reports it.">
            {sent.length === 0 ? (
              <p className="muted small">
                Nothing yet. Statuses move from <Badge tone="progress" label="Queued" /> to{' '}
                <Badge tone="ok" label="Read" /> here.
              </p>
            ) : (
              <ul className="trackers">
                {sent.map((message) => (
                  <MessageTracker key={message.id} message={message} />
                ))}
              </ul>
            )}
          </Card>
        </div>
      ) : null}
    </>
  );
}
