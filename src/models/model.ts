import * as tf from '@tensorflow/tfjs';
import { FewbeatError } from '../errors.js';
import { ClinicalEncoder } from './clinical-encoder.js';
import { modelConfigSchema, type ModelConfig } from './config.js';
import { EcgEncoder } from './ecg-encoder.js';
import { LateFusion } from './fusion/late.js';
import { constant } from './init.js';
import { ParameterStore } from './parameter-store.js';
import { ProjectionHead } from './projection-head.js';

/** One batch of model input. */
export interface ModelInput {
  /** [B, T, L] ECG, samples × leads. */
  ecg: tf.Tensor3D;
  /** [B, L], 1 = lead present, 0 = absent (its samples are ignored). */
  leadMask: tf.Tensor2D;
  /** [B, F] encoded clinical features with missingness indicators. */
  clinical: tf.Tensor2D;
}

/** What {@link FewbeatModel.forward} returns; the caller disposes it (e.g. `tf.dispose(Object.values(out))`). */
export type ModelOutput = {
  /** h [B, D], the ECG embedding (never sees the clinical input). */
  ecgEmbedding: tf.Tensor2D;
  /** g [B, Dc], the clinical embedding. */
  clinicalEmbedding: tf.Tensor2D;
  /** z [B, D], the fused embedding the prototypes are built from. */
  fused: tf.Tensor2D;
  /** u [B, P], L2-normalised ECG projection. */
  ecgProj: tf.Tensor2D;
  /** v [B, P], L2-normalised clinical projection. */
  clinProj: tf.Tensor2D;
  /** exp(min(s, logitScaleMax)), the inverse temperature 1/τ. */
  logitScale: tf.Scalar;
};

/**
 * fewbeat's multimodal encoder: ECG encoder, clinical encoder, late fusion, two projection heads and
 * a learnable log-temperature, written functionally over named variables (no tf.layers), so that
 * custom kernels, checkpoints and export see plain tensors. See docs/method.md, "The model".
 *
 *     h = f_ecg(x, m)   g = f_clin(c)   z = fuse(h, g)   u = P_e(h)/‖·‖   v = P_c(g)/‖·‖   exp(min(s, s_max))
 *
 * Parameters are initialised deterministically from `seed` (see {@link ParameterStore}).
 */
export class FewbeatModel {
  readonly config: ModelConfig;
  readonly seed: number;
  private readonly store: ParameterStore;
  private readonly ecgEncoder: EcgEncoder;
  private readonly clinicalEncoder: ClinicalEncoder;
  private readonly fusion: LateFusion;
  private readonly ecgHead: ProjectionHead;
  private readonly clinicalHead: ProjectionHead;
  private readonly logScale: tf.Variable;

  constructor(config: ModelConfig, seed: number) {
    this.config = modelConfigSchema.parse(config);
    this.seed = seed;
    const c = this.config;
    this.store = new ParameterStore(seed);
    this.ecgEncoder = new EcgEncoder(this.store, c);
    this.clinicalEncoder = new ClinicalEncoder(this.store, c);
    this.fusion = new LateFusion(this.store, c.ecg.embedDim, c.clinical.embedDim, c.fusionHidden, c.ecg.embedDim);
    this.ecgHead = new ProjectionHead(this.store, 'proj.ecg', c.ecg.embedDim, c.projDim);
    this.clinicalHead = new ProjectionHead(this.store, 'proj.clinical', c.clinical.embedDim, c.projDim);
    this.logScale = this.store.add('logit_scale', [], constant(c.logitScaleInit));
  }

  /**
   * Encode a batch. In training mode BatchNorm normalises with batch statistics and updates its
   * running averages; in eval mode it uses the running averages and changes nothing.
   * Intermediate tensors are freed; the outputs belong to the caller.
   */
  forward(x: ModelInput, opts: { training: boolean }): ModelOutput {
    this.checkInput(x);
    return tf.tidy(() => {
      const stem = this.ecgEncoder.stem(x.ecg, x.leadMask, opts.training); // [B, T0, C0]
      const features = this.ecgEncoder.blocks(stem, opts.training); // [B, T', C]
      return this.outputs(x, features);
    });
  }

  /**
   * {@link forward} with the ECG feature map F = blocks(stem(x)) [B, T', C] computed elsewhere (the
   * ONNX Runtime trunk of `OnnxTrunkRunner`): everything after F — embedding, clinical encoder,
   * fusion, projections — runs here, so gradients reach F. The outputs belong to the caller.
   */
  forwardFromFeatures(x: ModelInput, features: tf.Tensor3D, _opts: { training: boolean }): ModelOutput {
    this.checkInput(x);
    const [steps, channels] = this.featureShape();
    if (
      features.rank !== 3 ||
      features.shape[0] !== x.ecg.shape[0] ||
      features.shape[1] !== steps ||
      features.shape[2] !== channels
    ) {
      throw new FewbeatError(
        `model input: features have shape [${features.shape.join(',')}], ` +
          `expected [${x.ecg.shape[0]},${steps},${channels}]`,
      );
    }
    return tf.tidy(() => this.outputs(x, features));
  }

  /** [T', C], the shape of the ECG feature map of one recording. */
  featureShape(): [number, number] {
    const { samples, stemStride, blocks } = this.config.ecg;
    const steps = blocks.reduce((t, b) => Math.ceil(t / b.stride), Math.ceil(samples / stemStride));
    return [steps, (blocks[blocks.length - 1] as { out: number }).out];
  }

  private outputs(x: ModelInput, features: tf.Tensor3D): ModelOutput {
    const ecgEmbedding = this.ecgEncoder.embed(features); // [B, D]
    const clinicalEmbedding = this.clinicalEncoder.apply(x.clinical); // [B, Dc]
    const fused = this.fusion.fuse(ecgEmbedding, clinicalEmbedding); // [B, D]
    return {
      ecgEmbedding,
      clinicalEmbedding,
      fused,
      ecgProj: this.ecgHead.apply(ecgEmbedding), // [B, P]
      clinProj: this.clinicalHead.apply(clinicalEmbedding), // [B, P]
      logitScale: tf.exp(tf.minimum(this.logScale, this.config.logitScaleMax)) as tf.Scalar,
    };
  }

  private checkInput(x: ModelInput): void {
    const { leads, samples } = this.config.ecg;
    const f = this.config.clinical.inputDim;
    const batch = x.ecg.shape[0];
    const problems: string[] = [];
    if (x.ecg.rank !== 3 || x.ecg.shape[1] !== samples || x.ecg.shape[2] !== leads) {
      problems.push(`ecg has shape [${x.ecg.shape.join(',')}], expected [B,${samples},${leads}]`);
    }
    if (x.leadMask.rank !== 2 || x.leadMask.shape[0] !== batch || x.leadMask.shape[1] !== leads) {
      problems.push(`leadMask has shape [${x.leadMask.shape.join(',')}], expected [${batch},${leads}]`);
    }
    if (x.clinical.rank !== 2 || x.clinical.shape[0] !== batch || x.clinical.shape[1] !== f) {
      problems.push(`clinical has shape [${x.clinical.shape.join(',')}], expected [${batch},${f}]`);
    }
    if (problems.length > 0) throw new FewbeatError(`model input: ${problems.join('; ')}`);
  }

  /** The variables an optimiser updates (pass them as `varList`; running statistics are excluded). */
  trainableVariables(): tf.Variable[] {
    return this.store.trainableVariables();
  }

  /** Number of trainable scalars (424,577 for the "bench" preset). */
  countParams(): number {
    return this.store.countTrainable();
  }

  /**
   * Every parameter by dotted name, trainable ones and BatchNorm running statistics
   * (`*.running_mean`, `*.running_var`). The tensors are the model's own: read, don't dispose.
   */
  getWeights(): Map<string, tf.Tensor> {
    return this.store.all();
  }

  /**
   * Replace every parameter. `weights` must hold exactly the names of {@link getWeights} with the
   * same shapes, else a FewbeatError lists the mismatch and nothing is changed. Values are copied.
   */
  setWeights(weights: ReadonlyMap<string, tf.Tensor>, source?: string): void {
    this.store.assignAll(weights, source);
  }

  /** Free all parameters. */
  dispose(): void {
    this.store.dispose();
  }
}
