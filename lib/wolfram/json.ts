/**
 * The JSON shapes of ../../../shared/CONTRACT.md that the Wolfram layer reads and
 * writes. They are deliberately loose: the engine's schemas validate nets; this layer
 * only translates between notations.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonObject = { [key: string]: Json };

/** A layer or container: `{"type": "LinearLayer", ...}`. */
export type NetJson = JsonObject & { type: string };

/** What NetPortGradient names: a port or array name, a path, or "All". */
export type GradientTarget = string | (string | number)[];

/** A request: `{"NetPortGradient": X}`, or a plain string naming an output port. */
export type SpecJson = { NetPortGradient: GradientTarget } | string;

export function isJsonObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
