/**
 * A small builder of ONNX graphs (float32 tensors; 8- and 32-bit integer inputs and outputs) over the
 * `onnx-proto` message classes: it names intermediate values, collects nodes and initialisers, and
 * serialises a ModelProto.
 * ONNX operator semantics: https://onnx.ai/onnx/operators/ (opset {@link ONNX_OPSET}).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The operator set the exporter targets (supported by onnxruntime ≥ 1.13 and IR version 8). */
export const ONNX_OPSET = 17;

/** An attribute: an integer number is an INT, others FLOAT; `{ float: v }` forces FLOAT (e.g. ε = 0). */
type AttributeValue = number | number[] | string | { float: number };

/** One input or output of the graph: a tensor (float32 unless `type` says so), maybe with symbolic dimensions. */
export interface GraphValue {
  name: string;
  /** Dimensions; a string is a symbolic dimension such as `batch`. */
  shape: Array<number | string>;
  /** Element type. @default 'float32' */
  type?: 'float32' | 'uint8' | 'int8' | 'int32';
}

const ELEMENT_TYPES = {
  float32: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int8: onnx.TensorProto.DataType.INT8,
  int32: onnx.TensorProto.DataType.INT32,
} as const;

export class OnnxGraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  /** Names of the initialisers added so far, and of the shared small constants by their value. */
  private readonly initializerNames = new Set<string>();
  private readonly sharedConstants = new Map<string, string>();
  private counter = 0;

  private addInitializer(name: string, dataType: number, dims: readonly number[], raw: ArrayBufferView): string {
    if (this.initializerNames.has(name)) throw new Error(`OnnxGraphBuilder: initializer ${name} already exists`);
    this.initializerNames.add(name);
    const rawData = new Uint8Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType, rawData }));
    return name;
  }

  /** Add a named float32 constant (weights) and return its name. */
  constant(name: string, values: Float32Array, dims: readonly number[]): string {
    return this.addInitializer(name, onnx.TensorProto.DataType.FLOAT, dims, values);
  }

  /** A float32 scalar constant, added once per value and shared by every node that uses it. */
  scalar(value: number): string {
    return this.shared('scalar', onnx.TensorProto.DataType.FLOAT, [], Float32Array.of(value));
  }

  /** A 1-D int64 constant (axes, shapes), added once per value and shared. */
  ints(values: readonly number[]): string {
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    return this.shared('ints', onnx.TensorProto.DataType.INT64, [values.length], raw);
  }

  /** A uint8 scalar constant (a zero point of an integer operator), shared like {@link scalar}. */
  uint8Scalar(value: number): string {
    return this.shared('uint8', onnx.TensorProto.DataType.UINT8, [], Uint8Array.of(value));
  }

  /** The initialiser holding `raw` (of `dataType`, shape `dims`), added the first time this value is asked for. */
  private shared(prefix: string, dataType: number, dims: readonly number[], raw: ArrayBufferView): string {
    const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    const key = `${dataType} ${dims.join(',')} ${bytes.join(',')}`;
    const known = this.sharedConstants.get(key);
    if (known) return known;
    const name = this.addInitializer(`${prefix}_${this.sharedConstants.size}`, dataType, dims, raw);
    this.sharedConstants.set(key, name);
    return name;
  }

  /** Append `op(inputs) → output` with attributes; returns the output name (generated unless given). */
  node(
    op: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    output?: string,
  ): string {
    const out = output ?? `${op.toLowerCase()}_${this.counter++}`;
    const attribute = Object.entries(attributes).map(([name, v]) => {
      const A = onnx.AttributeProto.AttributeType;
      if (typeof v === 'string')
        return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(v) });
      if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
      if (typeof v === 'object') return onnx.AttributeProto.create({ name, type: A.FLOAT, f: v.float });
      return Number.isInteger(v)
        ? onnx.AttributeProto.create({ name, type: A.INT, i: v })
        : onnx.AttributeProto.create({ name, type: A.FLOAT, f: v });
    });
    this.nodes.push(onnx.NodeProto.create({ opType: op, input: [...inputs], output: [out], attribute, name: out }));
    return out;
  }

  /** Serialise the graph as an ONNX model file. */
  build(name: string, inputs: readonly GraphValue[], outputs: readonly GraphValue[], docString: string): Uint8Array {
    const valueInfo = (v: GraphValue) =>
      onnx.ValueInfoProto.create({
        name: v.name,
        type: {
          tensorType: {
            elemType: ELEMENT_TYPES[v.type ?? 'float32'],
            shape: { dim: v.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
          },
        },
      });
    const graph = onnx.GraphProto.create({
      name,
      node: this.nodes,
      initializer: this.initializers,
      input: inputs.map(valueInfo),
      output: outputs.map(valueInfo),
      docString,
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'fewbeat',
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
