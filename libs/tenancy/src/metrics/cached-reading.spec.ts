import { CachedReading } from './cached-reading';

describe('CachedReading', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('reads once per period, concurrent readers included, then again', async () => {
    let reads = 0;
    const read = jest.fn(async () => (reads += 1));
    const reading = new CachedReading(read, 5_000);
    expect(await Promise.all([reading.get(), reading.get()])).toEqual([1, 1]);
    jest.setSystemTime(4_999);
    expect(await reading.get()).toBe(1);
    jest.setSystemTime(5_000);
    expect(await reading.get()).toBe(2);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps no failed read: the next reader tries again', async () => {
    const read = jest.fn().mockRejectedValueOnce(new Error('master away')).mockResolvedValueOnce(7);
    const reading = new CachedReading<number>(read);
    await expect(reading.get()).rejects.toThrow('master away');
    expect(await reading.get()).toBe(7);
  });
});
