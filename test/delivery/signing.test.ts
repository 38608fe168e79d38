import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { environmentSecrets } from '../../src/delivery/secrets.ts';
import { checkSigningSecret, InvalidSecretError, signPayload, webhookHeaders } from '../../src/delivery/signing.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('webhook signing', () => {
  it('matches the known answer of the Standard Webhooks specification', () => {
    expect(signPayload(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('produces headers the standardwebhooks library verifies', () => {
    const body = JSON.stringify({ type: 'document.published', data: { id: 'huaifu-2010-69' } });
    const sentAt = new Date(performance.timeOrigin + performance.now());
    const headers = webhookHeaders(secret, 'msg_xxgk_huaifu-2010-69_v1', sentAt, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(sentAt.getTime() / 1000)));
  });

  it('signs every attempt afresh: same id, new timestamp, new signature', () => {
    const body = '{}';
    const first = webhookHeaders(secret, 'msg_a', new Date('2010-06-01T00:00:00Z'), body);
    const retry = webhookHeaders(secret, 'msg_a', new Date('2010-06-01T00:00:05Z'), body);
    expect(retry['webhook-id']).toBe(first['webhook-id']);
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature']);
  });

  it('refuses a secret that is not whsec_ + base64 of at least 24 bytes', () => {
    expect(() => signPayload('whsec_c2hvcnQ=', 'msg', 1, '{}')).toThrow(InvalidSecretError);
  });

  it('during a rotation signs with both secrets, so a receiver holding either one verifies', () => {
    const next = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const body = JSON.stringify({ type: 'document.published', data: { id: 'huaifu-2010-69' } });
    const sentAt = new Date(performance.timeOrigin + performance.now());
    const headers = webhookHeaders({ current: next, previous: secret }, 'msg_a', sentAt, body);
    expect(headers['webhook-signature']?.split(' ')).toEqual([
      signPayload(next, 'msg_a', Math.floor(sentAt.getTime() / 1000), body),
      signPayload(secret, 'msg_a', Math.floor(sentAt.getTime() / 1000), body),
    ]);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(next).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 9).toString('base64')}`).verify(body, headers)).toThrow();
  });

  it('takes only whsec_ secrets for signing: a bare random string (a placeholder) is refused', () => {
    expect(checkSigningSecret(secret)).toBe(secret);
    expect(() => checkSigningSecret('Kx7QmZ2vR9tLpW4nY8bH3cJ6fD1gS5aE0uV2iO7kT9rM4qXz')).toThrow(InvalidSecretError);
  });
});

describe('environment secrets', () => {
  it('adds NAME_PREVIOUS during a rotation, and names the variable that holds no usable secret', async () => {
    const resolve = environmentSecrets({ NEWS: secret, NEWS_PREVIOUS: 'placeholder', OTHER: secret });
    await expect(resolve({ env: 'OTHER' })).resolves.toEqual({ current: secret });
    await expect(resolve({ env: 'NEWS' })).rejects.toThrow(
      /^The environment variable NEWS_PREVIOUS does not hold a webhook signing secret: .*Unset it once the rotation is over\.$/,
    );
    await expect(environmentSecrets({ NEWS: secret, NEWS_PREVIOUS: secret })({ env: 'NEWS' })).resolves.toEqual({ current: secret, previous: secret });
  });
});
