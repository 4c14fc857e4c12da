/**
 * defineCoder(): one NetEncoder or NetDecoder, in one place: its JSON form (a zod schema
 * over `{"NetEncoder": "Image", ...}` or `{"NetDecoder": "Class", ...}`), its Wolfram
 * form (the positional parameters of `NetEncoder[{"Image", {w, h}, "Grayscale"}]`), the
 * port type it fixes, and a one-line summary for `netport describe`.
 */
import { z } from 'zod';
import type { PortType } from '../shapes';

export type CoderKind = 'NetEncoder' | 'NetDecoder';

export interface CoderDef<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly kind: CoderKind;
  /** Wolfram's name: "Image", "Class", "Scalar". */
  readonly name: string;
  /** The JSON form; parsing fills Wolfram's defaults. */
  readonly schema: z.ZodType<P>;
  /** The parameters Wolfram takes by position after the name, in order. */
  readonly positional: readonly string[];
  /** The port type the coder fixes (an image encoder's `{c, h, w}`), if it fixes one. */
  type(params: P): PortType | undefined;
  /** `Image 224x224 RGB, mean {0.485, 0.456, 0.406}`: what `describe` prints. */
  summary(params: P): string;
}

/** A coder attached to a port: its definition and its parameters (defaults filled). */
export interface Coder<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly def: CoderDef<P>;
  readonly params: P;
}

export const PositiveInt = z.number().int().positive();

export function defineCoder<P extends Record<string, unknown>>(def: CoderDef<P>): CoderDef<P> {
  return def;
}

/** A coder's JSON form with its defaults filled: `{"NetEncoder": "Image", "ImageSize": [128, 128], ...}`. */
export function coderJson(c: Coder): Record<string, unknown> {
  return { [c.def.kind]: c.def.name, ...Object.fromEntries(Object.entries(c.params).filter(([k, v]) => k !== c.def.kind && v !== undefined)) };
}
