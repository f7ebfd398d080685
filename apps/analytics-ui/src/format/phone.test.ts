import { describe, expect, it } from 'vitest';
import { formatPhone } from './phone.js';

describe('phone numbers', () => {
  it.each([
    ['+5511912345678', '+55 11 91234 5678'],
    ['5511912345678', '+55 11 91234 5678'],
    ['+15550783881', '+1 555 078 3881'],
    ['2348031234567', '+234 803 123 4567'],
    ['US.13491208655302741918', 'US.13491208655302741918'],
    [null, '—'],
  ])('%s → %s', (input, text) => expect(formatPhone(input)).toBe(text));
});
