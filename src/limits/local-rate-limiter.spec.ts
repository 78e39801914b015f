import { LocalRateLimiter } from './local-rate-limiter.js';

describe('LocalRateLimiter', () => {
  it('allows perMinute lookups at once, then refuses with the wait until the next one', () => {
    let now = 1_000_000;
    const limiter = new LocalRateLimiter(6, () => now);
    for (let i = 0; i < 6; i++) expect(limiter.take('clerk:C-1')).toBe(0);
    // One lookup comes back every 10 s.
    expect(limiter.take('clerk:C-1')).toBe(10);
    now += 4_000;
    expect(limiter.take('clerk:C-1')).toBe(6);
    now += 6_000;
    expect(limiter.take('clerk:C-1')).toBe(0);
    expect(limiter.take('clerk:C-1')).toBe(10);
  });

  it('keeps one bucket per principal', () => {
    const limiter = new LocalRateLimiter(1, () => 0);
    expect(limiter.take('clerk:C-1')).toBe(0);
    expect(limiter.take('clerk:C-1')).toBeGreaterThan(0);
    expect(limiter.take('clerk:C-2')).toBe(0);
    expect(limiter.take('department:C-1')).toBe(0);
  });

  it('never refills beyond the limit however long a principal was idle', () => {
    let now = 0;
    const limiter = new LocalRateLimiter(2, () => now);
    now += 3_600_000;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBeGreaterThan(0);
  });

  it('refills the burst over windowSeconds', () => {
    let now = 0;
    const limiter = new LocalRateLimiter(10, () => now, 3600);
    for (let i = 0; i < 10; i++) expect(limiter.take('public:203.0.113.9')).toBe(0);
    // One take comes back every 360 s.
    expect(limiter.take('public:203.0.113.9')).toBe(360);
    now += 360_000;
    expect(limiter.take('public:203.0.113.9')).toBe(0);
  });
});
