/**
 * The net description (CONTRACT section 1): NetChain and NetGraph containers around the
 * layers of the registry, nested to any depth. `parseNet` validates a JSON value into a
 * tree of typed nodes, with errors that name the layer by its Wolfram position or name;
 * `NetSchema` is the same description as one recursive zod schema, published as JSON
 * Schema.
 */
import { z } from 'zod';
import type { Coder } from './coders/define';
import { PortSchema } from './coders/ports';
import { isCoderJson, readCoder } from './coders/registry';
import { netError, where, type LayerPath } from './errors';
import { formatTrail, MAX_NESTING, preview, quote, tooDeep } from './limits';
import { dict, hasOwn } from './names';
import type { LayerDef } from './layers/define';
import { LAYERS, layerDef } from './layers/registry';
import { portTypeOf, type PortShape, type PortType } from './shapes';
import { closest } from './text';
import { fromArrayValue, negativeProblem, ShapeProblem, type ArrayValue, type NumArray } from './tensors';

/** A layer of the registry with its validated parameters. */
export interface LayerNode {
  readonly kind: 'layer';
  readonly def: LayerDef;
  readonly params: Readonly<Record<string, unknown>>;
  /** Given arrays; null where the description says None; absent where not given. */
  readonly arrays: Readonly<Record<string, NumArray | null | undefined>>;
  /** Port shapes the description declares. */
  readonly declared: Readonly<Record<string, PortType>>;
  /** NetEncoders and NetDecoders the description attaches to ports. */
  readonly coders: Readonly<Record<string, Coder>>;
}

export interface ContainerNode {
  readonly kind: 'NetChain' | 'NetGraph';
  readonly children: readonly Child[];
  /** Layers given as an association (names) rather than a list (positions). */
  readonly named: boolean;
  readonly edges: readonly Edge[];
  readonly declared: Readonly<Record<string, PortType>>;
  readonly coders: Readonly<Record<string, Coder>>;
}

export type NetNode = LayerNode | ContainerNode;

export interface Child {
  /** How paths and result keys refer to it: its position in a list, its name in an association. */
  readonly key: number | string;
  /** 1-based position. */
  readonly position: number;
  readonly node: NetNode;
}

/** An edge endpoint: a layer position or name, or a NetPort. */
export type Endpoint = string | number | { readonly NetPort: string | readonly [string | number, string] };
/** `[from, to]` or `[a, b, c]`; an element other than the last may be a list (a multi-input feed). */
export type Edge = ReadonlyArray<Endpoint | readonly Endpoint[]>;

export const EndpointSchema = z
  .union([
    z.string(),
    z.number().int(),
    z.object({ NetPort: z.union([z.string(), z.tuple([z.union([z.string(), z.number().int()]), z.string()])]) }).strict(),
  ])
  .describe('an endpoint: a layer name or position, {"NetPort": "x"} or {"NetPort": [layer, "Port"]}');
export const EdgeSchema = z
  .array(z.union([EndpointSchema, z.array(EndpointSchema).min(1)]))
  .min(2)
  .describe('an edge: [from, to] or [a, b, c]; a list of endpoints on the left feeds a multi-input layer');

const layerList = (what: string) =>
  z.union([z.array(z.unknown()).min(1), z.record(z.string(), z.unknown())]).describe(`the ${what}: a list of layers, or an object of named layers`);

const portShapes = PortSchema.describe('a port shape: n, a list of dimensions, "Real", {"Index": n, "Dimensions": [...]}, or a coder {"NetEncoder": "Image", ...}, {"NetDecoder": "Class", ...}');

const ChainShape = z.object({ type: z.literal('NetChain'), Layers: layerList('layers') }).catchall(portShapes);
const GraphShape = z
  .object({ type: z.literal('NetGraph'), Layers: layerList('layers'), Edges: z.array(EdgeSchema).describe('the edges: a list of [from, to]') })
  .catchall(portShapes);

const CONTAINERS = { NetChain: ChainShape, NetGraph: GraphShape } as const;

/**
 * Validates a net description. Errors are NetErrors with code `invalid_net` naming the
 * layer (`layer 2 (LinearLayer) "Weights" ...`).
 */
export function parseNet(raw: unknown): NetNode {
  // The schemas and the walk below recurse; bound the depth before either runs.
  const deep = tooDeep(raw);
  if (deep) throw netError('invalid_net', `Invalid net: the description nests deeper than ${MAX_NESTING} levels (at ${formatTrail(deep)})`);
  return parseNode(raw, [], false);
}

function parseNode(raw: unknown, path: LayerPath, inContainer: boolean): NetNode {
  if (inContainer && typeof raw === 'string') {
    return parseNode({ type: 'ElementwiseLayer', Function: raw }, path, false);
  }
  if (inContainer && typeof raw === 'number' && Number.isInteger(raw) && raw > 0) {
    return parseNode({ type: 'LinearLayer', OutputDimensions: raw }, path, false);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || typeof (raw as { type?: unknown }).type !== 'string') {
    const what = inContainer ? 'an object with "type", a function name such as "Ramp", or a positive integer' : 'an object with a "type"';
    throw netError('invalid_net', `Invalid net: ${path.length === 0 ? 'the net' : where(path)} is ${snippet(raw)}, not a layer: expected ${what}`, where(path));
  }
  const type = (raw as { type: string }).type;
  if (type === 'NetChain' || type === 'NetGraph') return parseContainer(raw, type, path);
  const def = layerDef(type);
  if (!def) {
    const known = [...LAYERS.map((l) => l.type), 'NetChain', 'NetGraph'];
    const hint = closest(type, known);
    throw netError('invalid_net', `Invalid net: ${path.length === 0 ? 'the net' : where(path)} has unknown type ${quote(type)}${hint ? ` (did you mean "${hint}"?)` : ''}`, where(path));
  }
  // zod drops a `__proto__` key silently: refuse it here, as any other unknown key.
  if (hasOwn(raw, '__proto__')) {
    throw netError('invalid_net', `Invalid net: ${where(path, type)} has unknown key "__proto__"`, where(path, type));
  }
  const coders = readCoders(raw as Record<string, unknown>, path, type);
  const parsed = def.schema.safeParse(raw);
  if (!parsed.success) throw zodError(parsed.error, raw as Record<string, unknown>, def.schema, path, type);
  const params = parsed.data as Record<string, unknown>;

  const arrays = dict<NumArray | null | undefined>();
  for (const decl of def.arrays) {
    const value = params[decl.name] as ArrayValue | null | undefined;
    try {
      const array = value === null || value === undefined ? value : fromArrayValue(value);
      const negative = array && decl.nonNegative ? negativeProblem(array) : undefined;
      if (negative) throw new ShapeProblem(negative);
      arrays[decl.name] = array;
    } catch (e) {
      if (!(e instanceof ShapeProblem)) throw e;
      throw netError('invalid_net', `Invalid net: ${where(path, type)} "${decl.name}" ${e.message}`, where(path, type));
    }
  }
  const declared = dict<PortType>();
  for (const [key, value] of Object.entries(params)) {
    if (key === 'type' || def.arrays.some((a) => a.name === key)) continue;
    if (isPortKey(def, key, params)) setDeclared(declared, key, value, coders);
  }
  if (Array.isArray(params.Inputs)) {
    (params.Inputs as PortShape[]).forEach((s, i) => {
      const key = `Input${i + 1}`;
      if (isCoderJson(s)) coders[key] = readCoder(s, `${where(path, type)} "Inputs" ${i + 1}`);
      setDeclared(declared, key, s, coders);
    });
  }
  return { kind: 'layer', def, params, arrays, declared, coders };
}

/** The coders among a description's port values, each checked with a message naming its place. */
function readCoders(raw: Record<string, unknown>, path: LayerPath, type: string): Record<string, Coder> {
  const coders = dict<Coder>();
  for (const [key, value] of Object.entries(raw)) {
    if (isCoderJson(value)) coders[key] = readCoder(value, `${where(path, type)} ${quote(key)}`);
  }
  return coders;
}

/** A port's declared type: its shape, or the type its coder fixes (a Scalar decoder fixes none). */
function setDeclared(declared: Record<string, PortType>, key: string, value: unknown, coders: Record<string, Coder>): void {
  const coder = coders[key];
  const t = coder ? coder.def.type(coder.params) : portTypeOf(value as PortShape);
  if (t) declared[key] = t;
}

function isPortKey(def: LayerDef, key: string, params: Record<string, unknown>): boolean {
  return def.outputs.includes(key) || def.inputs(def.named ? params : {}, 0).includes(key) || (def.variadic && /^Input[1-9][0-9]*$/.test(key));
}

function parseContainer(raw: object, type: 'NetChain' | 'NetGraph', path: LayerPath): ContainerNode {
  const schema = CONTAINERS[type];
  const coders = readCoders(raw as Record<string, unknown>, path, type);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw zodError(parsed.error, raw as Record<string, unknown>, schema, path, type);
  const { Edges: edges } = parsed.data as { Edges?: Edge[] };
  // Names come from the raw description: zod drops a `__proto__` key from the objects it
  // parses, and a layer or port of that name is a name like any other.
  const { Layers: layers, Edges: _edges, type: _type, ...ports } = ownEntries(raw);
  const named = !Array.isArray(layers);
  const entries: Array<[string | number, unknown]> = named
    ? Object.entries(layers as object)
    : (layers as unknown[]).map((l, i) => [i + 1, l]);
  if (entries.length === 0) throw netError('invalid_net', `Invalid net: ${where(path, type)} has no layers`, where(path, type));
  const children = entries.map(([key, value], i) => ({
    key,
    position: i + 1,
    node: parseNode(value, [...path, key], true),
  }));
  const declared = dict<PortType>();
  for (const [k, v] of Object.entries(ports)) {
    const port = portShapes.safeParse(v);
    if (!port.success) throw netError('invalid_net', `Invalid net: ${where(path, type)} "${k}" must be ${describe(portShapes)}, not ${snippet(v)}`, where(path, type));
    setDeclared(declared, k, port.data, coders);
  }
  return { kind: type, children, named, edges: edges ?? [], declared, coders };
}

/** An object's own enumerable entries (a `__proto__` key included) in a null-prototype copy. */
function ownEntries(raw: object): Record<string, unknown> {
  return dict(Object.entries(raw));
}

/** The first zod issue, in the user's terms. */
function zodError(error: z.ZodError, raw: Record<string, unknown>, schema: z.ZodType, path: LayerPath, type: string) {
  const issue = error.issues[0]!;
  const at = where(path, type);
  const field = issue.path[0];
  let message: string;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = Object.keys(shapeOf(schema));
    const hint = closest(key, known);
    message = `has unknown key ${quote(key)}${hint ? ` (did you mean "${hint}"?)` : ''}`;
  } else if (typeof field === 'string') {
    const fieldSchema = (hasOwn(shapeOf(schema), field) ? shapeOf(schema)[field] : undefined) ?? catchallOf(schema);
    const what = fieldSchema ? describe(fieldSchema) : undefined;
    if (!hasOwn(raw, field)) message = `needs "${field}"${what ? `: ${what}` : ''}`;
    else if (issue.code === 'custom') message = `"${field}" is ${snippet(raw[field])}: ${issue.message}`;
    else message = `"${field}" must be ${what ?? 'valid'}, not ${snippet(raw[field])}`;
  } else {
    message = issue.message;
  }
  return netError('invalid_net', `Invalid net: ${at} ${message}`, at);
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  let s: z.ZodType = schema;
  while (!(s instanceof z.ZodObject) && 'innerType' in (s.def as object)) s = (s.def as unknown as { innerType: z.ZodType }).innerType;
  if (s instanceof z.ZodObject) return s.shape as Record<string, z.ZodType>;
  const inner = (s.def as { in?: z.ZodType }).in;
  return inner ? shapeOf(inner) : {};
}

function catchallOf(schema: z.ZodType): z.ZodType | undefined {
  return schema instanceof z.ZodObject ? (schema.def.catchall as z.ZodType | undefined) : undefined;
}

/** A schema's description, looking through optional() and default() wrappers. */
export function describe(schema: z.ZodType): string | undefined {
  let s: z.ZodType | undefined = schema;
  while (s) {
    if (s.description) return s.description;
    s = (s.def as { innerType?: z.ZodType }).innerType;
  }
  return undefined;
}

/** A short rendering of a user's value for messages. */
export function snippet(value: unknown): string {
  if (value === undefined) return 'missing';
  return preview(value);
}

/**
 * The whole description as one recursive zod schema: the registry's layer schemas, the
 * containers, and the shorthands of layer lists. Used for the published JSON Schema.
 */
export const NetSchema: z.ZodType = z.lazy(() =>
  z.union([
    ...LAYERS.map((l) => l.schema),
    ChainShape.extend({ Layers: layersOf() }),
    GraphShape.extend({ Layers: layersOf() }),
  ] as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]),
);

function layersOf() {
  const entry = z.union([NetSchema, z.string().describe('an ElementwiseLayer function, e.g. "Ramp"'), z.number().int().positive().describe('LinearLayer[n]')]);
  return z.union([z.array(entry).min(1), z.record(z.string(), entry)]);
}
