import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerVerificationChallenge, signWebhookBody, verifyWebhookSignature } from './signature.js';

const payloads = new URL('../../../../fixtures/meta/payloads/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, payloads), 'utf8'));

describe('webhook signatures', () => {
  it("matches Meta's documented test vector", () => {
    const { test_vector } = fixture('webhook-post-signature-example.json');
    expect(signWebhookBody(test_vector.raw_body, test_vector.app_secret)).toBe(test_vector.expected_header);
    expect(
      verifyWebhookSignature(test_vector.raw_body, test_vector.expected_header, test_vector.app_secret),
    ).toBe(true);
  });

  it('verifies the exact bytes of a real webhook body', () => {
    const vector = fixture('webhook-signature-fixture.json');
    const raw = readFileSync(new URL(vector.raw_body_file, payloads));
    expect(raw.length).toBe(vector.raw_body_length_bytes);
    expect(verifyWebhookSignature(raw, vector.expected_header, vector.app_secret)).toBe(true);
    // The same JSON re-serialised is different bytes and must not verify.
    const reserialised = JSON.stringify(JSON.parse(raw.toString('utf8')));
    expect(verifyWebhookSignature(reserialised, vector.expected_header, vector.app_secret)).toBe(false);
  });

  it('refuses a missing, malformed, wrong-secret or wrong-algorithm signature', () => {
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    const good = signWebhookBody(body, 's3cret');
    expect(verifyWebhookSignature(body, good, 's3cret')).toBe(true);
    expect(verifyWebhookSignature(body, undefined, 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, '', 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, good.slice(0, -2), 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, good.replace('sha256=', 'sha1='), 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, `${good}zz`, 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, good, 'other')).toBe(false);
    expect(verifyWebhookSignature(`${body} `, good, 's3cret')).toBe(false);
  });

  it('never accepts a signature made for a different body', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), fc.string({ minLength: 1 }), (a, b, secret) => {
        fc.pre(Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0);
        expect(verifyWebhookSignature(b, signWebhookBody(a, secret), secret)).toBe(false);
        expect(verifyWebhookSignature(a, signWebhookBody(a, secret), secret)).toBe(true);
      }),
    );
  });
});

describe('verification handshake', () => {
  it("echoes the challenge for Meta's documented request", () => {
    const { request, response_if_token_matches } = fixture('webhook-get-verification.json');
    expect(answerVerificationChallenge(request.query, request.query['hub.verify_token'])).toBe(
      response_if_token_matches.body,
    );
  });

  it('refuses a wrong token, a wrong mode or a missing challenge', () => {
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '42' };
    expect(answerVerificationChallenge({ ...query, 'hub.verify_token': 'nope' }, 'tok')).toBeNull();
    expect(answerVerificationChallenge({ ...query, 'hub.mode': 'unsubscribe' }, 'tok')).toBeNull();
    expect(answerVerificationChallenge({ ...query, 'hub.challenge': undefined }, 'tok')).toBeNull();
    expect(answerVerificationChallenge({ ...query, 'hub.verify_token': ['tok'] }, 'tok')).toBeNull();
  });
});
