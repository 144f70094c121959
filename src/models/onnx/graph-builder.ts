/**
 * A small builder of ONNX graphs (float32 tensors only) over the `onnx-proto` message classes:
 * it names intermediate values, collects nodes and initialisers, and serialises a ModelProto.
 * ONNX operator semantics: https://onnx.ai/onnx/operators/ (opset {@link ONNX_OPSET}).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The operator set the exporter targets (supported by onnxruntime ≥ 1.13 and IR version 8). */
export const ONNX_OPSET = 17;

type AttributeValue = number | number[] | string;

/** One input or output of the graph: a float32 tensor with a symbolic batch dimension. */
export interface GraphValue {
  name: string;
  /** Dimensions; a string is a symbolic dimension such as `batch`. */
  shape: Array<number | string>;
}

export class OnnxGraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private counter = 0;

  /** Add a float32 constant (weights) and return its name. */
  constant(name: string, values: Float32Array, dims: readonly number[]): string {
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) }));
    return name;
  }

  /** Add an int64 constant (shapes, axes) and return its name. */
  int64Constant(name: string, values: readonly number[]): string {
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(raw.buffer) }));
    return name;
  }

  /** Append `op(inputs) → output` with attributes; returns the output name (generated unless given). */
  node(op: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    const out = output ?? `${op.toLowerCase()}_${this.counter++}`;
    const attribute = Object.entries(attributes).map(([name, v]) => {
      const A = onnx.AttributeProto.AttributeType;
      if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(v) });
      if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
      return Number.isInteger(v) ? onnx.AttributeProto.create({ name, type: A.INT, i: v }) : onnx.AttributeProto.create({ name, type: A.FLOAT, f: v });
    });
    this.nodes.push(onnx.NodeProto.create({ opType: op, input: [...inputs], output: [out], attribute, name: out }));
    return out;
  }

  /** Serialise the graph as an ONNX model file. */
  build(name: string, inputs: readonly GraphValue[], outputs: readonly GraphValue[], docString: string): Uint8Array {
    const valueInfo = (v: GraphValue) => onnx.ValueInfoProto.create({
      name: v.name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
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
