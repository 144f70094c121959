/**
 * The ECG encoder's convolutional trunk — stem and residual blocks, up to the feature map F — as
 * two ONNX graphs for *training* on ONNX Runtime's native CPU kernels:
 *
 *     forward  (ecg, lead_mask, θ)                  → F [B, T', C]; each BatchNorm's batch mean and
 *                                                     (biased) variance, for the running statistics;
 *                                                     and the activations the backward pass needs
 *                                                     (`saved:*`: every x̂, 1/√(σ² + ε) and ReLU output)
 *     vjp      (ecg, lead_mask, θ, saved:*, ∂L/∂F)  → ∂L/∂θ for every trunk parameter θ
 *
 * θ are the model's own parameters under their model names and in the model's layouts (conv
 * weights [k, Cin, Cout], BatchNorm γ and β [C]); the graphs take them as inputs, so one graph
 * serves every training step. The vjp graph applies, layer by layer in reverse, the closed-form
 * backward passes below. Layout inside is [B, C, 1, T] (a 1-D conv is a 2-D ONNX Conv with kernel
 * [1, k], as in the inference export, layers.ts).
 *
 *     conv   y = W ⋆_s x ('same' pads pₗ, pᵣ)   ∂x = ConvTranspose_s(∂y, W)  (pads pₗ, pᵣ; for s = 1 the same as a Conv
 *                                              with the flipped, transposed kernel)
 *                                              ∂W[j] = x_jᵀ ∂y  [Cin, Cout], x_j [B·T', Cin] the
 *                                                      padded input samples s·t + j (one GEMM per tap)
 *     BN     x̂ = (y − μ)·r, r = 1/√(σ² + ε),  z = γ x̂ + β   (μ, σ² over N = B·T' values per channel)
 *            ∂β = Σ ∂z,  ∂γ = Σ ∂z·x̂,  ∂y = γr·∂z − (γr ∂γ/N)·x̂ − γr ∂β/N   (Ioffe & Szegedy 2015)
 *     ReLU   ∂x = ∂y · [y > 0]
 *     block  y = ReLU(BN₂(conv₂(ReLU(BN₁(conv₁ x)))) + BN_s(conv_s x)):  ∂x = ∂x_main + ∂x_shortcut
 *
 * The stem's input is data (the lead-masked ECG), so its input gradient is never formed.
 */
import type { ModelConfig } from '../../config.js';
import { conv1dGeometry } from '../../kernels/conv1d.js';
import { leadMaskedGraph } from '../ecg-encoder-graph.js';
import { OnnxGraphBuilder, type GraphValue } from '../graph-builder.js';

/** One conv + BatchNorm of the trunk: names and geometry. */
interface ConvBnLayer {
  prefix: string;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  inLength: number;
  outLength: number;
  padLeft: number;
  padRight: number;
}

/** The trunk's layers in forward order, and the ReLU outputs the backward pass needs. */
interface TrunkPlan {
  /** The stem, then conv1, conv2, shortcut of each block. */
  layers: ConvBnLayer[];
  /** Input channels of the stem (leads, or 2 × leads with `channels` lead masks). */
  inputChannels: number;
  blocks: number;
  /** F: [T', C]. */
  featureShape: [number, number];
}

function trunkPlan(config: ModelConfig): TrunkPlan {
  const { ecg } = config;
  const layer = (
    prefix: string,
    cin: number,
    cout: number,
    k: number,
    stride: number,
    inLength: number,
  ): ConvBnLayer => {
    const { outLength, padLeft, padRight } = conv1dGeometry(inLength, k, stride, 'same');
    return { prefix, cin, cout, k, stride, inLength, outLength, padLeft, padRight };
  };
  const inputChannels = ecg.leadMask === 'channels' ? 2 * ecg.leads : ecg.leads;
  const stem = layer('ecg.stem', inputChannels, ecg.stemChannels, ecg.stemKernel, ecg.stemStride, ecg.samples);
  const layers = [stem];
  let length = stem.outLength;
  let channels = ecg.stemChannels;
  ecg.blocks.forEach((block, i) => {
    const name = `ecg.block${i + 1}`;
    const conv1 = layer(`${name}.conv1`, channels, block.out, block.kernel, block.stride, length);
    layers.push(
      conv1,
      layer(`${name}.conv2`, block.out, block.out, block.kernel, 1, conv1.outLength),
      layer(`${name}.shortcut`, channels, block.out, 1, block.stride, length),
    );
    length = conv1.outLength;
    channels = block.out;
  });
  return { layers, inputChannels, blocks: ecg.blocks.length, featureShape: [length, channels] };
}

/** A trunk parameter: model name and shape (model layout). */
export interface TrunkParameter {
  name: string;
  shape: number[];
}

/** The two serialised graphs and what they read and write. */
export interface TrunkGraphs {
  forward: Uint8Array;
  vjp: Uint8Array;
  /** Trunk parameters, graph inputs of both graphs under these names. */
  parameters: TrunkParameter[];
  /** BatchNorm layer prefixes (`ecg.stem.bn`, …); forward outputs `<prefix>.batch_mean`, `<prefix>.batch_var`. */
  batchNorms: Array<{ name: string; length: number }>;
  /** Names of the activations the forward graph outputs and the vjp graph takes back. */
  saved: string[];
  /** Shape of F without the batch dimension: [T', C]. */
  featureShape: [number, number];
}

/** Name of the vjp graph's output holding ∂L/∂θ for parameter `name`. */
export const gradientOutput = (name: string): string => `grad:${name}`;

const CHANNEL_AXES = [0, 2, 3];
const xhatName = (l: ConvBnLayer) => `saved:${l.prefix}.xhat`;
const invStdName = (l: ConvBnLayer) => `saved:${l.prefix}.inv_std`;
const reluName = (block: number, which: 'inner' | 'out') =>
  block === 0 ? 'saved:ecg.stem.relu' : `saved:ecg.block${block}.${which}`;

function parametersOf(plan: TrunkPlan): TrunkParameter[] {
  return plan.layers.flatMap((l) => [
    { name: `${l.prefix}.conv.w`, shape: [l.k, l.cin, l.cout] },
    { name: `${l.prefix}.bn.gamma`, shape: [l.cout] },
    { name: `${l.prefix}.bn.beta`, shape: [l.cout] },
  ]);
}

/** Shared helpers of both graphs. */
class TrunkGraphBuilder {
  readonly g = new OnnxGraphBuilder();

  constructor(
    readonly config: ModelConfig,
    readonly plan: TrunkPlan,
  ) {}

  /** [C] → [1, C, 1, 1]. */
  perChannel(v: string): string {
    return this.g.node('Unsqueeze', [v, this.g.ints([0, 2, 3])]);
  }

  /** Conv weight [k, Cin, Cout] → ONNX kernel [Cout, Cin, 1, k]. */
  kernel(l: ConvBnLayer): string {
    return this.g.node('Unsqueeze', [
      this.g.node('Transpose', [`${l.prefix}.conv.w`], { perm: [2, 1, 0] }),
      this.g.ints([2]),
    ]);
  }

  /**
   * a·x + b per channel in one pass (ONNX BatchNormalization with mean 0, variance 1, ε 0). @param x [B, C, 1, T]
   * @param a, b [C]
   */
  affine(x: string, a: string, b: string): string {
    const zero = this.g.node('Mul', [a, this.g.scalar(0)]);
    return this.g.node('BatchNormalization', [x, a, b, zero, this.g.node('Add', [zero, this.g.scalar(1)])], {
      epsilon: { float: 0 },
    });
  }

  /** The lead-masked ECG, channels last [B, T, L'] and channels first [B, L', 1, T]. */
  maskedInput(): { last: string; first: string } {
    const last = leadMaskedGraph(this.g, 'ecg', 'lead_mask', this.config);
    return {
      last,
      first: this.g.node('Unsqueeze', [this.g.node('Transpose', [last], { perm: [0, 2, 1] }), this.g.ints([2])]),
    };
  }

  inputs(parameters: readonly TrunkParameter[]): GraphValue[] {
    return [
      { name: 'ecg', shape: ['batch', this.config.ecg.samples, this.config.ecg.leads] },
      { name: 'lead_mask', shape: ['batch', this.config.ecg.leads] },
      ...parameters.map((p) => ({ name: p.name, shape: p.shape })),
    ];
  }
}

/** The training-mode forward graph; fills `saved` with the activation outputs in order. */
function buildForward(b: TrunkGraphBuilder, saved: GraphValue[]): Uint8Array {
  const { g, plan } = b;
  /** Declare the value named `name` (a node output given that name) a saved activation. */
  const save = (name: string, shape: Array<number | string>): string => {
    saved.push({ name, shape });
    return name;
  };
  const convBn = (x: string, l: ConvBnLayer): string => {
    const y = g.node('Conv', [x, b.kernel(l)], {
      kernel_shape: [1, l.k],
      strides: [1, l.stride],
      pads: [0, l.padLeft, 0, l.padRight],
    });
    const mean = g.node('ReduceMean', [y], { axes: CHANNEL_AXES, keepdims: 1 }); // [1, C, 1, 1]
    const centred = g.node('Sub', [y, mean]);
    const variance = g.node('ReduceMean', [g.node('Mul', [centred, centred])], { axes: CHANNEL_AXES, keepdims: 1 });
    const invStd = g.node('Reciprocal', [
      g.node('Sqrt', [g.node('Add', [variance, g.scalar(b.config.batchNormEpsilon)])]),
    ]);
    const xhat = save(g.node('Mul', [centred, invStd], {}, xhatName(l)), ['batch', l.cout, 1, l.outLength]);
    save(g.node('Reshape', [invStd, g.ints([l.cout])], {}, invStdName(l)), [l.cout]);
    g.node('Reshape', [mean, g.ints([l.cout])], {}, `${l.prefix}.bn.batch_mean`);
    g.node('Reshape', [variance, g.ints([l.cout])], {}, `${l.prefix}.bn.batch_var`);
    return b.affine(xhat, `${l.prefix}.bn.gamma`, `${l.prefix}.bn.beta`);
  };
  const relu = (x: string, block: number, which: 'inner' | 'out', l: ConvBnLayer) =>
    save(g.node('Relu', [x], {}, reluName(block, which)), ['batch', l.cout, 1, l.outLength]);

  const [stem, ...rest] = plan.layers as [ConvBnLayer, ...ConvBnLayer[]];
  let current = relu(convBn(b.maskedInput().first, stem), 0, 'out', stem);
  for (let i = 1; i <= plan.blocks; i++) {
    const [conv1, conv2, shortcut] = rest.slice(3 * (i - 1), 3 * i) as [ConvBnLayer, ConvBnLayer, ConvBnLayer];
    const inner = relu(convBn(current, conv1), i, 'inner', conv1);
    current = relu(g.node('Add', [convBn(inner, conv2), convBn(current, shortcut)]), i, 'out', conv2);
  }
  g.node('Transpose', [g.node('Squeeze', [current, g.ints([2])])], { perm: [0, 2, 1] }, 'features'); // [B, T', C]
  const [steps, channels] = plan.featureShape;
  return g.build(
    'fewbeat-trunk-forward',
    b.inputs(parametersOf(plan)),
    [
      { name: 'features', shape: ['batch', steps, channels] },
      ...plan.layers.flatMap((l) => [
        { name: `${l.prefix}.bn.batch_mean`, shape: [l.cout] },
        { name: `${l.prefix}.bn.batch_var`, shape: [l.cout] },
      ]),
      ...saved,
    ],
    'fewbeat ECG trunk, training-mode forward',
  );
}

/** The vector-Jacobian product graph. */
function buildVjp(b: TrunkGraphBuilder, saved: readonly GraphValue[]): Uint8Array {
  const { g, plan } = b;
  const channelsLast = (v: string) =>
    g.node('Squeeze', [g.node('Transpose', [v], { perm: [0, 2, 3, 1] }), g.ints([1])]); // [B, T, C]

  /** ∂W as one [1, Cin, Cout] GEMM per tap, concatenated to [k, Cin, Cout]. @param xLast input [B, T, Cin] */
  const filterGradient = (l: ConvBnLayer, xLast: string, dy: string): void => {
    // [B, Tp, Cin]
    const padded =
      l.padLeft + l.padRight > 0 ? g.node('Pad', [xLast, g.ints([0, l.padLeft, 0, 0, l.padRight, 0])]) : xLast;
    const dyRows = g.node('Reshape', [channelsLast(dy), g.ints([-1, l.cout])]); // [B·T', Cout]
    const taps = Array.from({ length: l.k }, (_, j) => {
      const rows = g.node('Slice', [
        padded,
        g.ints([j]),
        g.ints([j + l.stride * (l.outLength - 1) + 1]),
        g.ints([1]),
        g.ints([l.stride]),
      ]); // [B, T', Cin]
      return g.node('Unsqueeze', [
        g.node('Gemm', [g.node('Reshape', [rows, g.ints([-1, l.cin])]), dyRows], { transA: 1 }),
        g.ints([0]),
      ]);
    });
    g.node('Concat', taps, { axis: 0 }, gradientOutput(`${l.prefix}.conv.w`));
  };

  /**
   * Backward of conv + BatchNorm from ∂z; parameter gradients become
   * graph outputs. @returns ∂x, or null without `inputGradient`
   */
  const convBnBackward = (l: ConvBnLayer, xLast: string, dz: string, inputGradient: boolean): string | null => {
    const xhat = xhatName(l);
    const dBeta = g.node(
      'ReduceSum',
      [dz, g.ints(CHANNEL_AXES)],
      { keepdims: 0 },
      gradientOutput(`${l.prefix}.bn.beta`),
    ); // [C]
    const dGamma = g.node(
      'ReduceSum',
      [g.node('Mul', [dz, xhat]), g.ints(CHANNEL_AXES)],
      { keepdims: 0 },
      gradientOutput(`${l.prefix}.bn.gamma`),
    );
    // N = B·T' at run time (the batch is symbolic): numel(∂z) / C.
    const count = g.node('Cast', [g.node('Div', [g.node('Size', [dz]), g.node('Size', [dBeta])])], { to: 1 });
    const gammaInvStd = g.node('Mul', [`${l.prefix}.bn.gamma`, invStdName(l)]); // γr [C]
    const perCount = g.node('Div', [gammaInvStd, count]);
    const dy = g.node('Add', [
      g.node('Mul', [dz, b.perChannel(gammaInvStd)]),
      b.affine(
        xhat,
        g.node('Neg', [g.node('Mul', [perCount, dGamma])]),
        g.node('Neg', [g.node('Mul', [perCount, dBeta])]),
      ),
    ]);
    filterGradient(l, xLast, dy);
    if (!inputGradient) return null;
    if (l.stride === 1) {
      // ∂x = ∂y ⋆ W̃, W̃[c, o, j] = W[k−1−j, c, o] (the flipped, transposed kernel), pads k−1−pₗ, k−1−pᵣ:
      // a plain Conv, which ONNX Runtime runs faster than ConvTranspose (bench trunk, one thread: input-gradient
      // kernels 37.8 → 32.4 ms per 75-row vjp).
      const flipped = g.node('Slice', [
        g.node('Transpose', [`${l.prefix}.conv.w`], { perm: [1, 2, 0] }),
        g.ints([-1]),
        g.ints([-l.k - 1]),
        g.ints([2]),
        g.ints([-1]),
      ]); // [Cin, Cout, k]
      return g.node('Conv', [dy, g.node('Unsqueeze', [flipped, g.ints([2])])], {
        kernel_shape: [1, l.k],
        pads: [0, l.k - 1 - l.padLeft, 0, l.k - 1 - l.padRight],
      });
    }
    const produced = l.stride * (l.outLength - 1) + l.k - l.padLeft - l.padRight;
    return g.node('ConvTranspose', [dy, b.kernel(l)], {
      kernel_shape: [1, l.k],
      strides: [1, l.stride],
      pads: [0, l.padLeft, 0, l.padRight],
      output_padding: [0, l.inLength - produced],
    });
  };
  const reluBackward = (y: string, dy: string) =>
    g.node('Where', [g.node('Greater', [y, g.scalar(0)]), dy, g.scalar(0)]);

  const [stem, ...rest] = plan.layers as [ConvBnLayer, ...ConvBnLayer[]];
  // [B, C, 1, T']
  let dOut = g.node('Unsqueeze', [g.node('Transpose', ['d_features'], { perm: [0, 2, 1] }), g.ints([2])]);
  for (let i = plan.blocks; i >= 1; i--) {
    const [conv1, conv2, shortcut] = rest.slice(3 * (i - 1), 3 * i) as [ConvBnLayer, ConvBnLayer, ConvBnLayer];
    const blockInput = channelsLast(reluName(i - 1, 'out'));
    const dSum = reluBackward(reluName(i, 'out'), dOut);
    const dInner = convBnBackward(conv2, channelsLast(reluName(i, 'inner')), dSum, true) as string;
    const dMain = convBnBackward(conv1, blockInput, reluBackward(reluName(i, 'inner'), dInner), true) as string;
    const dShort = convBnBackward(shortcut, blockInput, dSum, true) as string;
    dOut = g.node('Add', [dMain, dShort]);
  }
  convBnBackward(stem, b.maskedInput().last, reluBackward(reluName(0, 'out'), dOut), false);
  const [steps, channels] = plan.featureShape;
  const parameters = parametersOf(plan);
  return g.build(
    'fewbeat-trunk-vjp',
    [...b.inputs(parameters), ...saved, { name: 'd_features', shape: ['batch', steps, channels] }],
    parameters.map((p) => ({ name: gradientOutput(p.name), shape: p.shape })),
    'fewbeat ECG trunk, vector-Jacobian product',
  );
}

/** Build the forward and vjp graphs of the trunk of a model with `config`. */
export function buildTrunkGraphs(config: ModelConfig): TrunkGraphs {
  const plan = trunkPlan(config);
  const saved: GraphValue[] = [];
  const forward = buildForward(new TrunkGraphBuilder(config, plan), saved);
  const vjp = buildVjp(new TrunkGraphBuilder(config, plan), saved);
  return {
    forward,
    vjp,
    parameters: parametersOf(plan),
    batchNorms: plan.layers.map((l) => ({ name: `${l.prefix}.bn`, length: l.outLength })),
    saved: saved.map((s) => s.name),
    featureShape: plan.featureShape,
  };
}
