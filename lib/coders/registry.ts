/**
 * The one list of NetEncoders and NetDecoders netport supports: one file each, one line
 * here; the net schema, the Wolfram reader and printer and `describe` read it.
 */
import { z } from 'zod';
import { netError } from '../errors';
import { ClassDecoder } from './class';
import type { Coder, CoderDef, CoderKind } from './define';
import { ImageEncoder } from './image';
import { ScalarDecoder } from './scalar';

export const CODERS: readonly CoderDef[] = [ImageEncoder, ClassDecoder, ScalarDecoder] as unknown as CoderDef[];

export function coderDef(kind: CoderKind, name: string): CoderDef | undefined {
  return CODERS.find((c) => c.kind === kind && c.name === name);
}

/** Whether a port value is a coder's JSON form (`{"NetEncoder": ...}` or `{"NetDecoder": ...}`). */
export function isCoderJson(v: unknown): v is Record<string, unknown> & ({ NetEncoder: unknown } | { NetDecoder: unknown }) {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && ('NetEncoder' in v || 'NetDecoder' in v);
}

/** The coder of a port value parsed by its schema, or undefined if the value is a plain shape. */
export function coderOf(v: unknown): Coder | undefined {
  if (!isCoderJson(v)) return undefined;
  const kind: CoderKind = 'NetEncoder' in v ? 'NetEncoder' : 'NetDecoder';
  const def = coderDef(kind, String(v[kind]));
  if (!def) return undefined;
  const parsed = def.schema.safeParse(v);
  return parsed.success ? { def, params: parsed.data } : undefined;
}

/**
 * Reads a port value that is a coder's JSON form, with a message naming the place
 * (`at`: `layer 2 (LinearLayer) "Input"`) for anything wrong. NetError `invalid_net`.
 */
export function readCoder(v: Record<string, unknown>, at: string): Coder {
  const kind: CoderKind = 'NetEncoder' in v ? 'NetEncoder' : 'NetDecoder';
  const name = v[kind];
  const def = typeof name === 'string' ? coderDef(kind, name) : undefined;
  if (!def) {
    const known = CODERS.filter((c) => c.kind === kind).map((c) => `"${c.name}"`).join(', ');
    throw netError('invalid_net', `Invalid net: ${at} has ${kind} ${JSON.stringify(name)}, which netport does not support (it supports ${known})`, at);
  }
  if ('NetEncoder' in v && 'NetDecoder' in v) throw netError('invalid_net', `Invalid net: ${at} has both "NetEncoder" and "NetDecoder"`, at);
  const parsed = def.schema.safeParse(v);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0];
    let message: string;
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(innerObject(def.schema)?.shape ?? {}).filter((k) => k !== kind);
      message = `has unknown parameter ${JSON.stringify(issue.keys[0])}${known.length ? ` (it takes ${known.map((k) => `"${k}"`).join(', ')})` : ' (it takes none)'}`;
    } else if (typeof field === 'string') {
      message = field in v ? `"${field}" is ${snippet(v[field])}: ${issue.code === 'custom' ? issue.message : `expected ${describe(field, def) ?? 'a valid value'}`}` : `needs "${field}"`;
    } else {
      message = issue.message;
    }
    throw netError('invalid_net', `Invalid net: ${at} ${kind}["${def.name}"] ${message}`, at);
  }
  return { def, params: parsed.data };
}

function describe(field: string, def: CoderDef): string | undefined {
  let s = (innerObject(def.schema)?.shape as Record<string, z.ZodType> | undefined)?.[field];
  while (s) {
    if (s.description) return s.description;
    s = (s.def as { innerType?: z.ZodType }).innerType;
  }
  return undefined;
}

function innerObject(schema: z.ZodType): z.ZodObject | undefined {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s && i < 4; i++) {
    if (s instanceof z.ZodObject) return s;
    s = (s.def as { in?: z.ZodType; innerType?: z.ZodType; schema?: z.ZodType }).in ?? (s.def as { innerType?: z.ZodType }).innerType;
  }
  return undefined;
}

function snippet(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
