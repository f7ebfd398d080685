import { useApi } from '../api/context.js';
import type { NumberView } from '../api/types.js';
import { type Resource, useResource } from '../api/useResource.js';
import { formatPhone } from '../format/phone.js';

/** The account's numbers, for lists and pickers. */
export function useNumbers(options: { refreshMs?: number | null } = {}): Resource<NumberView[]> {
  const api = useApi();
  return useResource(
    'numbers',
    async (signal) => (await api.get<{ data: NumberView[] }>('/v1/numbers', signal)).data,
    { refreshMs: () => options.refreshMs ?? null },
  );
}

/** A number's label in pickers: "+1 555 078 3881 · Lucky Shrub" */
export function numberLabel(number: Pick<NumberView, 'display_phone_number' | 'verified_name'>): string {
  return number.verified_name
    ? `${formatPhone(number.display_phone_number)} · ${number.verified_name}`
    : formatPhone(number.display_phone_number);
}

export function NumberPicker({
  numbers,
  value,
  onChange,
  id = 'number-picker',
  label = 'Number',
}: {
  numbers: NumberView[];
  value: string | null;
  onChange: (phoneNumberId: string) => void;
  id?: string;
  label?: string;
}) {
  return (
    <div className="field field-inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(event) => onChange(event.target.value)}>
        {value === null ? <option value="">Choose a number</option> : null}
        {numbers.map((number) => (
          <option key={number.phone_number_id} value={number.phone_number_id}>
            {numberLabel(number)}
          </option>
        ))}
      </select>
    </div>
  );
}
