import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batch.js';
import { consistencyLoss } from '../losses/consistency.js';
import { globalClassificationLoss } from '../losses/global-classification.js';
import { contrastiveLoss } from '../losses/contrastive.js';
import { prototypeLogProbs, classPrototypes } from '../losses/prototypes.js';
import { prototypicalLoss } from '../losses/prototypical.js';
import { totalLoss } from '../losses/total.js';
import type { EpisodicModel, ModelOutputs } from '../models/episodic-model.js';
import {
  InProcessRunner,
  lossInProcess,
  type ForwardStep,
  type StepLoss,
  type StepRunner,
} from './parallel/forward-step.js';
import type { TrainConfig } from '../model-dir/train-config.js';

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

/** What one training step reports. */
export interface TrainStepResult {
  loss: number;
  parts: StepParts;
  /** Milliseconds the worker threads waited for the main thread (see `StepResult.mainBusyMs`). */
  mainBusyMs: number;
}

/**
 * The training task `{ model, losses }` (open_clip's task pattern): it owns no loop, it turns one
 * episode into one optimiser step,
 *
 *     L_total = w_c·L_contrastive + λ1·L_class + λ2·L_consistency
 *
 * (w_c = 1 in the method; the no-contrastive ablation sets it to 0, and λ2 = 0 skips the views).
 * A step is a {@link ForwardStep}: forward calls on the clean batch, then view A and view B (each
 * with its own BatchNorm statistics), and {@link lossFromOutputs} over their outputs; the
 * {@link StepRunner} (in process by default, or a `WorkerPool`) runs it.
 * Every tensor is created and released inside the step: `tf.memory().numTensors` stays flat.
 */
export class EpisodicTask {
  /**
   * [D, C] weights and [C] bias of the training-only linear head over every class: the supervised
   * objective's classifier on z (null for the episodic objective).
   */
  private readonly head: { w: tf.Variable; b: tf.Variable } | null;
  /** Runs the steps: in process unless a pool is given. */
  readonly runner: StepRunner;

  /**
   * @param headShape `{ dim: D, classes: C }` of the linear head, required with `objective: 'supervised'`.
   * @param runner where the forward calls run (default: in process).
   */
  constructor(
    readonly model: EpisodicModel,
    readonly config: TrainConfig,
    readonly optimizer: tf.Optimizer,
    headShape?: { dim: number; classes: number },
    runner?: StepRunner,
  ) {
    const needsHead = config.objective === 'supervised';
    this.head =
      needsHead && headShape
        ? {
            w: tf.variable(tf.zeros([headShape.dim, headShape.classes])),
            b: tf.variable(tf.zeros([headShape.classes])),
          }
        : null;
    if (needsHead && !this.head) throw new Error('EpisodicTask: the supervised objective needs the head shape');
    this.runner = runner ?? new InProcessRunner(model);
  }

  /** Free the linear head (the model and the runner belong to the caller). */
  dispose(): void {
    if (this.head) tf.dispose([this.head.w, this.head.b]);
  }

  /**
   * The episode as forward calls: the clean batch, then (when λ2 > 0 and the objective is
   * episodic) view A and view B.
   */
  forwardStep(episode: TrainingEpisode): ForwardStep {
    const views =
      this.config.objective === 'episodic' && this.config.lambda2 > 0 && episode.viewA && episode.viewB
        ? [episode.viewA, episode.viewB]
        : [];
    return { batches: [episode.clean, ...views], loss: (outputs) => this.lossFromOutputs(episode, outputs) };
  }

  /**
   * The step's loss from the outputs of {@link forwardStep}'s calls ([clean, viewA?, viewB?]):
   * [total, contrastive, class, consistency] as a scalar and a [3] tensor.
   *
   * Supervised objective: L = {@link globalClassificationLoss} on z over the episode's recordings,
   * y the global class index, reported as the class part.
   */
  lossFromOutputs(episode: TrainingEpisode, outputs: readonly ModelOutputs[]): StepLoss {
    const c = this.config;
    const head = this.head;
    const out = outputs[0] as ModelOutputs;
    const headLoss = (x: tf.Tensor2D): tf.Scalar =>
      globalClassificationLoss(x, head?.w as tf.Tensor2D, head?.b as tf.Tensor1D, episode.labels);
    if (c.objective === 'supervised') {
      return tf.tidy(() => {
        const total = headLoss(out.fused);
        return { total, parts: tf.stack([tf.scalar(0), total, tf.scalar(0)]) as tf.Tensor1D };
      });
    }
    return tf.tidy(() => {
      const ns = episode.nSupport;
      const nq = episode.nQuery;
      const embedding = (o: ModelOutputs): tf.Tensor2D => (c.classEmbedding === 'ecg' ? o.ecgEmbedding : o.fused);
      const support = tf.slice(embedding(out), [0, 0], [ns, -1]) as tf.Tensor2D; // [ns, D]
      const query = tf.slice(embedding(out), [ns, 0], [nq, -1]) as tf.Tensor2D; // [nq, D]
      const classPart = prototypicalLoss(support, episode.supportLabels, query, episode.queryLabels, episode.ways).loss;
      const contrastivePart =
        c.contrastiveWeight > 0
          ? (tf.mul(
              c.contrastiveWeight,
              contrastiveLoss(out.ecgProj, out.clinProj, out.logitScale, {
                patientIds: episode.patientIds,
                labels: episode.labels,
                ageBands: episode.ageBands,
                beta: c.beta,
                gamma: c.gamma,
              }),
            ) as tf.Scalar)
          : tf.scalar(0);
      let consistencyPart: tf.Scalar = tf.scalar(0);
      const [a, b] = [outputs[1], outputs[2]];
      if (a && b) {
        // [N, D], from the clean support
        const prototypes = classPrototypes(support, episode.supportLabels, episode.ways);
        consistencyPart = consistencyLoss(
          {
            queryLogProbsA: prototypeLogProbs(embedding(a), prototypes),
            queryLogProbsB: prototypeLogProbs(embedding(b), prototypes),
            ecgEmbeddingA: a.ecgEmbedding,
            ecgEmbeddingB: b.ecgEmbedding,
          },
          c.eta,
        );
      }
      const total = totalLoss(
        { contrastive: contrastivePart, class: classPart, consistency: consistencyPart },
        { lambda1: c.lambda1, lambda2: c.lambda2 },
      );
      return { total, parts: tf.stack([contrastivePart, classPart, consistencyPart]) as tf.Tensor1D };
    });
  }

  /** The loss of the episode, forwarded in process (training mode): [total, contrastive, class, consistency]. */
  losses(episode: TrainingEpisode): StepLoss {
    return lossInProcess(this.model, this.forwardStep(episode));
  }

  /**
   * One optimiser step on `episode`; returns the total loss and its parts. With a worker pool the
   * forward calls are posted before the first `await`, so the caller's synchronous work after
   * calling (building the next episode) overlaps them.
   */
  async trainStep(episode: TrainingEpisode): Promise<TrainStepResult> {
    const r = await this.runner.step(
      this.forwardStep(episode),
      this.optimizer,
      this.head ? [this.head.w, this.head.b] : [],
    );
    const [contrastive, classPart, consistency] = r.parts as [number, number, number];
    return {
      loss: r.loss,
      parts: { contrastive, class: classPart, consistency },
      mainBusyMs: r.mainBusyMs,
    };
  }
}
