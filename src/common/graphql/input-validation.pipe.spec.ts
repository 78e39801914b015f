import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getMetadataStorage } from 'class-validator';
import { PurposeInput } from '../../exchange/dto/purpose.input.js';
import { DomainError } from '../errors/domain-error.js';
import { projectRoot } from '../project-root.js';
import { inputValidationPipe } from './input-validation.pipe.js';

/** Every class exported by the input modules (`src/<domain>/dto/*.ts`). */
async function inputClasses(): Promise<Function[]> {
  const src = join(projectRoot(), 'src');
  const classes: Function[] = [];
  for (const domain of readdirSync(src)) {
    const dir = join(src, domain, 'dto');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))) {
      const exported = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
      classes.push(...Object.values(exported).filter((value): value is Function => typeof value === 'function'));
    }
  }
  return classes;
}

describe('inputValidationPipe', () => {
  it('may validate synchronously: no input declares an asynchronous constraint (validateSync would skip it)', async () => {
    const classes = await inputClasses();
    expect(classes).toEqual(expect.arrayContaining([PurposeInput]));
    const storage = getMetadataStorage();
    const constraints = classes.flatMap((input) =>
      storage.getTargetValidationMetadatas(input, '', true, false).flatMap((metadata) => storage.getTargetValidatorConstraints(metadata.constraintCls)),
    );
    expect(constraints.length).toBeGreaterThan(classes.length);
    expect(constraints.filter((constraint) => constraint.async).map((constraint) => constraint.name)).toEqual([]);
  });

  it('answers every problem of an input in one BAD_USER_INPUT error that names the fields, not their values', async () => {
    const pipe = inputValidationPipe();
    const attempt = pipe.transform({ matter: 'house transfer', caseNumber: 'SECRET 1', consent: 7 }, { type: 'body', metatype: PurposeInput });
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    const error = (await attempt.catch((e: unknown) => e)) as DomainError;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INPUT_INVALID' });
    expect(error.message).toMatch(/^invalid input: /);
    for (const field of ['matter', 'caseNumber', 'consent']) expect(error.message).toContain(field);
    expect(error.message).not.toContain('SECRET');
  });

  it('passes a valid input on as an instance of its class', async () => {
    const value = await inputValidationPipe().transform({ matter: 'HOUSE_TRANSFER', caseNumber: null }, { type: 'body', metatype: PurposeInput });
    expect(value).toBeInstanceOf(PurposeInput);
    expect(value).toMatchObject({ matter: 'HOUSE_TRANSFER' });
  });
});
