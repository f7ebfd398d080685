import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import { ApiProvider } from '../api/context.js';
import type { ContactDetail, NumberView } from '../api/types.js';
import { fakeApi } from '../test/fakeApi.js';
import { HELLO_WORLD, SHIPPING_UPDATE, template } from '../test/templates.js';
import { Composer } from './SendPage.js';

afterEach(cleanup);

const number = { phone_number_id: 'p1', waba_id: 'w1', status: 'active', timezone: 'UTC' } as NumberView;
const closed: ContactDetail = {
  wa_id: '5511912345678',
  name: 'Ana',
  window: { open: false, last_inbound_at: null, closes_at: null },
  opted_out: null,
};
const templates = {
  data: [SHIPPING_UPDATE, HELLO_WORLD, template({ name: 'draft', status: 'PENDING', components: [] })],
};

function renderComposer(routes: Record<string, unknown>, contact: ContactDetail | undefined = closed) {
  const api = fakeApi({ 'GET /v1/templates?waba_id=w1': templates, ...routes });
  const onSent = vi.fn();
  render(
    <ApiProvider client={api.client}>
      <Composer number={number} to="5511912345678" contact={contact} onSent={onSent} />
    </ApiProvider>,
  );
  return { ...api, onSent };
}

describe('the composer', () => {
  it('offers only approved templates outside the window, with a field per parameter', async () => {
    renderComposer({});
    const text = screen.getByRole('radio', { name: 'Text' });
    expect((text as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(/Free text needs an open window/)).toBeTruthy();
    const select = (await screen.findByRole('combobox', { name: 'Template' })) as HTMLSelectElement;
    expect([...select.querySelectorAll('option')].map((o) => o.value)).toEqual([
      'hello_world:en_US',
      'shipping_update:en_US',
    ]);
    expect(screen.getByText(/1 more await approval or are paused/)).toBeTruthy();
    fireEvent.change(select, { target: { value: 'shipping_update:en_US' } });
    expect(screen.getByLabelText('{{1}}')).toBeTruthy();
    expect(screen.getByLabelText('{{3}}')).toBeTruthy();
    expect(screen.getByLabelText('End of the “Track package” button’s address')).toBeTruthy();
  });

  it('sends the template with an idempotency key once every field is filled', async () => {
    const { calls, onSent } = renderComposer({
      'POST /v1/numbers/p1/messages': { messages: [{ id: 'm1' }], status: 'queued' },
    });
    fireEvent.change(await screen.findByRole('combobox', { name: 'Template' }), {
      target: { value: 'shipping_update:en_US' },
    });
    fireEvent.click(screen.getByRole('button', { name: /Send/ }));
    expect(await screen.findAllByText('Fill this in.')).toHaveLength(4);
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    fireEvent.change(screen.getByLabelText('{{1}}'), { target: { value: 'Ana' } });
    fireEvent.change(screen.getByLabelText('{{2}}'), { target: { value: 'A-1' } });
    fireEvent.change(screen.getByLabelText('{{3}}'), { target: { value: 'Monday' } });
    fireEvent.change(screen.getByLabelText(/Track package/), { target: { value: 'A-1' } });
    expect(screen.getByText('Hi Ana, your order A-1 has shipped and should arrive on Monday.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Send/ }));

    await waitFor(() => expect(onSent).toHaveBeenCalledOnce());
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.headers?.['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(post.body).toMatchObject({
      to: '5511912345678',
      type: 'template',
      template: { name: 'shipping_update', language: { code: 'en_US' } },
    });
    expect(onSent.mock.calls[0]![0]).toMatchObject({ id: 'm1', summary: 'Template shipping_update' });
  });

  it('allows free text while the window is open', async () => {
    const open: ContactDetail = {
      ...closed,
      window: {
        open: true,
        last_inbound_at: new Date().toISOString(),
        closes_at: new Date(Date.now() + 3_600_000).toISOString(),
      },
    };
    const { calls } = renderComposer(
      { 'POST /v1/numbers/p1/messages': { messages: [{ id: 'm2' }], status: 'queued' } },
      open,
    );
    const text = screen.getByRole('radio', { name: 'Text' });
    expect((text as HTMLInputElement).disabled).toBe(false);
    fireEvent.click(text);
    fireEvent.change(screen.getByRole('textbox', { name: 'Text' }), {
      target: { value: 'Your order is ready' },
    });
    fireEvent.click(screen.getByRole('button', { name: /Send/ }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511912345678',
      type: 'text',
      text: { body: 'Your order is ready' },
    });
  });

  it('shows a refusal in words, with what to do', async () => {
    renderComposer({
      'POST /v1/numbers/p1/messages': new ApiError(
        422,
        'outside_service_window',
        'The customer last wrote 3 days ago; only templates can be sent.',
      ),
    });
    await screen.findByRole('combobox', { name: 'Template' });
    fireEvent.click(screen.getByRole('button', { name: /Send/ }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The customer last wrote 3 days ago; only templates can be sent.');
    expect(alert.textContent).toContain('send an approved template instead');
  });
});
