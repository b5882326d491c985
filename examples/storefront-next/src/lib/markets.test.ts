import { describe, expect, it } from 'vitest';
import { marketOfPath } from './markets';

describe('the market of a path', () => {
  it('reads the first segment of pages and market route handlers', () => {
    expect(marketOfPath('/eu-de')?.channel).toBe('web-eu');
    expect(marketOfPath('/us-en/account')?.channel).toBe('web-us');
    expect(marketOfPath('/api/eu-de/orders/o1/live')?.channel).toBe('web-eu');
    expect(marketOfPath('/')).toBeUndefined();
    expect(marketOfPath('/api/session/refresh')).toBeUndefined();
    expect(marketOfPath('/eu-dex')).toBeUndefined();
  });

  it('leaves a query or fragment out of the path, so a listing with a search still has its market', () => {
    expect(marketOfPath('/eu-de?q=boots')?.channel).toBe('web-eu');
    expect(marketOfPath('/us-en#top')?.channel).toBe('web-us');
    expect(marketOfPath('/eu-de/account?tab=orders')?.channel).toBe('web-eu');
    expect(marketOfPath('/?next=/eu-de')).toBeUndefined();
  });
});
