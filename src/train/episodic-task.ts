import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batch.js';
import { consistencyLoss } from '../losses/consistency.js';
import { contrastiveLoss } from '../losses/contrastive.js';
import { prototypeLogProbs, classPrototypes } from '../losses/prototypes.js';
import { prototypicalLoss } from '../losses/prototypical.js';
import { totalLoss } from '../losses/total.js';
import type { EpisodicModel, ModelInputs } from './episodic-model.js';
import type { TrainConfig } from './train-config.js';

/**
 * One training episode as typed arrays. `clean` holds the support rows, then the query rows, then
 * optional extra recordings of the same patients (extra contrastive positives, CLOCS-style).
 * `viewA`/`viewB` are two perturbations of the query rows (ECG augmentation + metadata dropout).
 */
export interface TrainingEpisode {
  ways: number;
  clean: Batch;
  nSupport: number;
  nQuery: number;
  supportLabels: number[];
  queryLabels: number[];
  /** Per clean row: patient index, class index, age-band index (for the contrastive weights). */
  patientIds: number[];
  labels: number[];
  ageBands: number[];
  viewA: Batch | null;
  viewB: Batch | null;
}

/** The loss parts of one step, as numbers. */
export interface StepParts {
  contrastive: number;
  class: number;
  consistency: number;
}

/** Upload a batch as model inputs ([B, T, L], [B, L], [B, F]). */
export function batchTensors(batch: Batch): ModelInputs {
  return {
    ecg: tf.tensor3d(batch.ecg, [batch.size, batch.samples, batch.leads]),
    leadMask: tf.tensor2d(batch.leadMask, [batch.size, batch.leads]),
    clinical: tf.tensor2d(batch.clinical, [batch.size, batch.features]),
  };
}

/**
 * The training task `{ model, losses }` (open_clip's task pattern): it owns no loop, it turns one
 * episode into one optimiser step,
 *
 *     L_total = w_c·L_contrastive + λ1·L_class + λ2·L_consistency
 *
 * (w_c = 1 in the method; the no-contrastive ablation sets it to 0, and λ2 = 0 skips the views).
 * Every tensor is created and released inside the step: `tf.memory().numTensors` stays flat.
 */
export class EpisodicTask {
  /** [D, C] weights and [C] bias of the supervised objective's linear head over every class. */
  private readonly head: { w: tf.Variable; b: tf.Variable } | null;

  /** @param supervisedHead `{ dim: D, classes: C }`, required with `objective: 'supervised'`. */
  constructor(
    readonly model: EpisodicModel,
    readonly config: TrainConfig,
    readonly optimizer: tf.Optimizer,
    supervisedHead?: { dim: number; classes: number },
  ) {
    this.head = config.objective === 'supervised' && supervisedHead
      ? { w: tf.variable(tf.zeros([supervisedHead.dim, supervisedHead.classes])), b: tf.variable(tf.zeros([supervisedHead.classes])) }
      : null;
    if (config.objective === 'supervised' && !this.head) throw new Error('EpisodicTask: the supervised objective needs the head shape');
  }

  /** Free the supervised head (the model belongs to the caller). */
  dispose(): void {
    if (this.head) tf.dispose([this.head.w, this.head.b]);
  }

  /**
   * Supervised objective: L = −mean_i log softmax(z_i W + b)[y_i] over the episode's recordings,
   * y the global class index. Reported as the class part.
   */
  private supervisedLoss(episode: TrainingEpisode, head: { w: tf.Variable; b: tf.Variable }): { total: tf.Scalar; parts: tf.Tensor1D } {
    return tf.tidy(() => {
      const out = this.model.forward(batchTensors(episode.clean), { training: true });
      const logits = tf.add(tf.matMul(out.fused, head.w), head.b) as tf.Tensor2D; // [n, C]
      const n = episode.labels.length;
      const classes = head.b.shape[0] as number;
      const oneHot = new Float32Array(n * classes);
      episode.labels.forEach((y, i) => { oneHot[i * classes + y] = 1; });
      const total = tf.neg(tf.mean(tf.sum(tf.mul(tf.tensor2d(oneHot, [n, classes]), tf.logSoftmax(logits)), 1))) as tf.Scalar;
      return { total, parts: tf.stack([tf.scalar(0), total, tf.scalar(0)]) as tf.Tensor1D };
    });
  }

  /** The variables a step updates: the model's, plus the supervised head. */
  private variables(): tf.Variable[] {
    return [...this.model.trainableVariables(), ...(this.head ? [this.head.w, this.head.b] : [])];
  }

  /** Forward the episode and return [total, contrastive, class, consistency] (a scalar and a [3] tensor). */
  losses(episode: TrainingEpisode): { total: tf.Scalar; parts: tf.Tensor1D } {
    const c = this.config;
    if (this.head) return this.supervisedLoss(episode, this.head);
    return tf.tidy(() => {
      const out = this.model.forward(batchTensors(episode.clean), { training: true });
      const ns = episode.nSupport;
      const nq = episode.nQuery;
      const embedding = (o: typeof out): tf.Tensor2D => (c.classEmbedding === 'ecg' ? o.ecgEmbedding : o.fused);
      const support = tf.slice(embedding(out), [0, 0], [ns, -1]) as tf.Tensor2D; // [ns, D]
      const query = tf.slice(embedding(out), [ns, 0], [nq, -1]) as tf.Tensor2D; // [nq, D]
      const classPart = prototypicalLoss(support, episode.supportLabels, query, episode.queryLabels, episode.ways).loss;
      const contrastivePart = c.contrastiveWeight > 0
        ? tf.mul(c.contrastiveWeight, contrastiveLoss(out.ecgProj, out.clinProj, out.logitScale, {
          patientIds: episode.patientIds, labels: episode.labels, ageBands: episode.ageBands, beta: c.beta, gamma: c.gamma,
        })) as tf.Scalar
        : tf.scalar(0);
      let consistencyPart: tf.Scalar = tf.scalar(0);
      if (c.lambda2 > 0 && episode.viewA && episode.viewB) {
        const prototypes = classPrototypes(support, episode.supportLabels, episode.ways); // [N, D], from the clean support
        const a = this.model.forward(batchTensors(episode.viewA), { training: true });
        const b = this.model.forward(batchTensors(episode.viewB), { training: true });
        consistencyPart = consistencyLoss({
          queryLogProbsA: prototypeLogProbs(embedding(a), prototypes),
          queryLogProbsB: prototypeLogProbs(embedding(b), prototypes),
          ecgEmbeddingA: a.ecgEmbedding,
          ecgEmbeddingB: b.ecgEmbedding,
        }, c.eta);
      }
      const total = totalLoss({ contrastive: contrastivePart, class: classPart, consistency: consistencyPart }, { lambda1: c.lambda1, lambda2: c.lambda2 });
      return { total, parts: tf.stack([contrastivePart, classPart, consistencyPart]) as tf.Tensor1D };
    });
  }

  /** One optimiser step on `episode`; returns the total loss and its parts. */
  trainStep(episode: TrainingEpisode): { loss: number; parts: StepParts } {
    let parts: tf.Tensor1D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const l = this.losses(episode);
      parts = tf.keep(l.parts);
      return l.total;
    }, this.variables());
    this.optimizer.applyGradients(grads);
    const loss = value.dataSync()[0] as number;
    const p = (parts as unknown as tf.Tensor1D).dataSync();
    tf.dispose([value, parts as unknown as tf.Tensor1D, ...Object.values(grads)]);
    return { loss, parts: { contrastive: p[0] as number, class: p[1] as number, consistency: p[2] as number } };
  }
}
