import { describe, expect, it } from 'vitest';
import { endpointProblem, isSpecialAddress } from '../../src/delivery/endpoint.ts';

describe('endpoint policy', () => {
  it('allows only public https endpoints in production', () => {
    expect(endpointProblem('https://news.huainan.gov.cn/hooks', 'production')).toBeUndefined();
    expect(endpointProblem('http://news.huainan.gov.cn/hooks', 'production')).toMatch(/must use https/);
    for (const url of [
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'https://[fe80::1]/x',
      'https://localhost/x',
      'https://[::ffff:192.168.1.1]/',
    ]) {
      expect(endpointProblem(url, 'production'), url).toMatch(/loopback, private or link-local/);
    }
  });

  it('allows plain http to loopback only when running locally', () => {
    expect(endpointProblem('http://127.0.0.1:8080/hook', 'local')).toBeUndefined();
    expect(endpointProblem('http://localhost:8080/hook', 'local')).toBeUndefined();
    expect(endpointProblem('http://192.168.1.20/hook', 'local')).toMatch(/only https/);
    expect(endpointProblem('https://user:pw@example.org/', 'local')).toMatch(/credentials/);
  });

  it('classifies special addresses, IPv4-mapped ones included', () => {
    expect(['10.0.0.1', '172.31.255.255', '192.168.0.1', '100.64.0.1', '0.0.0.0', 'fd00::1', '::ffff:127.0.0.1'].map(isSpecialAddress)).toEqual(
      Array(7).fill(true),
    );
    expect(['8.8.8.8', '172.32.0.1', '2400:3200::1'].map(isSpecialAddress)).toEqual([false, false, false]);
  });
});
