// config.OTLPConfig (2.55+): how the OTLP receiver turns resource attributes into labels.
import type { DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { list, string } from './schema/types.js';
import { goQuote } from './model/go-string.js';

export const OTLP_SINCE = '2.55';

/** Every attribute must be non-blank and listed once (after trimming), all problems reported. */
function validatePromotedAttributes(value: DecodedStruct, ctx: DecodeContext): void {
  const seen = new Set<string>();
  for (const attribute of value.get<(string | undefined)[]>('promote_resource_attributes') ?? []) {
    const trimmed = (attribute ?? '').trim();
    if (trimmed === '') value.error(ctx, 'empty promoted OTel resource attribute', 'promote_resource_attributes');
    else if (seen.has(trimmed))
      value.error(
        ctx,
        `duplicated promoted OTel resource attribute ${goQuote(trimmed)}`,
        'promote_resource_attributes',
      );
    seen.add(trimmed);
  }
}

export const otlpConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    promote_resource_attributes: { type: list(string) },
  },
  validate: [validatePromotedAttributes],
};
