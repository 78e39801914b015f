import { maskIdentifier, maskName } from './holder-mask.js';

describe('holder masks of the public verification page', () => {
  it('keeps the first character of a name', () => {
    expect(maskName('李伟')).toBe('李*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('王')).toBe('王');
    expect(maskName('Li Wei')).toBe('L*****');
    // Characters outside the BMP count once.
    expect(maskName('𠀋一')).toBe('𠀋*');
    expect(maskName('  ')).toBe('');
  });

  it('keeps the first and last four characters of an ID number or credit code', () => {
    expect(maskIdentifier('330825198803142023')).toBe('3308**********2023');
    expect(maskIdentifier('91330781MA2D8XQ02K')).toBe('9133**********Q02K');
    expect(maskIdentifier('12345678')).toBe('********');
  });
});
