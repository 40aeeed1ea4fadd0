import { checkPlace, placeLabel, placeNote } from '../../src/domain/places';
import { isDomainError } from '../../src/domain/errors';

it.each([
  [{ latitude: 91, longitude: 0 }],
  [{ latitude: -90.5, longitude: 0 }],
  [{ latitude: 0, longitude: 180.1 }],
  [{ latitude: Number.NaN, longitude: 0 }],
  [{ latitude: 0, longitude: Number.POSITIVE_INFINITY }],
])('refuses coordinates that cannot be: %j', (p) => {
  let caught: unknown;
  try {
    checkPlace(p);
  } catch (err) {
    caught = err;
  }
  expect(isDomainError(caught) && caught.detail).toMatchObject({ reason: 'BAD_COORDINATES' });
});

it('reads coordinates given as strings, trims the texts, drops empty ones and NULs', () => {
  const p = checkPlace({ latitude: '30.5612' as unknown as number, longitude: '104.0213' as unknown as number, name: '  桂花堰\u0000社区  ', address: ' ' });
  expect(p).toEqual({ name: '桂花堰社区', address: null, latitude: 30.5612, longitude: 104.0213 });
  expect(placeLabel(p)).toBe('桂花堰社区');
  expect(placeNote(p)).toBe('桂花堰社区 @30.5612,104.0213');
  expect(placeLabel(checkPlace({ latitude: 0, longitude: 0, address: '桂花堰路88号' }))).toBe('桂花堰路88号');
});
