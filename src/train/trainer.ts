import type * as tf from '@tensorflow/tfjs';
import type { ClinicalEncoder } from '../clinical/encode.js';
import type { Example } from '../data/dataset.js';
import type { EpisodeSampler } from '../data/episode-sampler.js';
import { learningRateAt } from './schedule.js';
import { buildTrainingEpisode } from './training-episode.js';
import type { EpisodicTask, StepParts, TrainingEpisode } from './episodic-task.js';
import { trainingSpace, type Validator } from './model-selection.js';

/** One logged training step. */
export interface StepRecord extends StepParts {
  episode: number;
  loss: number;
  learningRate: number;
}

/** Everything needed to continue a run: saved with each checkpoint. */
export interface TrainerState {
  /** Episodes done. */
  episode: number;
  history: StepRecord[];
  validation: Array<{ episode: number; accuracy: number }>;
  best: { episode: number; accuracy: number };
  /** Validation checks since the last improvement. */
  sinceImprovement: number;
  stoppedEarly: boolean;
}

export interface TrainerHooks {
  /** After every step (progress bar). */
  onStep?(record: StepRecord, state: TrainerState): void;
  /** After a validation check that improved on the best so far: save the model now. */
  onImproved?(state: TrainerState): Promise<void>;
  /** After every validation check: write a checkpoint of model, optimiser and state. */
  onCheckpoint?(state: TrainerState): Promise<void>;
}

/**
 * Where the training loop's wall time went (milliseconds). `inputMs` is the main thread building
 * episodes (sampling, augmentation, metadata dropout); with worker threads it overlaps their
 * forward pass, and only `stallMs` (workers waiting on the main thread) is lost to it. In process
 * nothing overlaps, so the whole of `inputMs` is lost.
 */
export interface LoopTiming {
  episodes: number;
  wallMs: number;
  inputMs: number;
  stallMs: number;
  workers: number;
  /** The fraction of the loop's wall time lost to input work: (workers ? stallMs : inputMs) / wallMs. */
  inputLostFraction: number;
}

export interface TrainerOptions {
  task: EpisodicTask;
  sampler: EpisodeSampler;
  /** The items the sampler indexes (training examples). */
  pool: readonly Example[];
  encoder: ClinicalEncoder;
  classIndex: ReadonlyMap<string, number>;
  validator: Validator;
  seed: number;
  /** Continue from this state (after `--resume` restored model and optimiser). */
  resumeFrom?: TrainerState;
  hooks?: TrainerHooks;
  /** Filled with where the loop's time went (training steps and episode building; validation excluded). */
  timing?: LoopTiming;
}

export function initialTrainerState(): TrainerState {
  return {
    episode: 0,
    history: [],
    validation: [],
    best: { episode: 0, accuracy: -Infinity },
    sinceImprovement: 0,
    stoppedEarly: false,
  };
}

/**
 * The episodic training loop: for each episode draw it, set the scheduled learning rate, take one
 * step; every `validateEvery` episodes measure validation accuracy on held-out base-class
 * patients, keep the best model (hook), checkpoint (hook), and stop early after `patience` checks
 * without improvement. Episode e depends only on (seed, e), so a resumed run continues exactly.
 * Episode e + 1 is built while step e runs (prefetch): with a worker pool the step's forward
 * calls are already posted, so input work overlaps compute.
 */
export async function trainEpisodes(options: TrainerOptions): Promise<TrainerState> {
  const { task, sampler, pool, encoder, classIndex, validator, seed, hooks } = options;
  const c = task.config;
  const state: TrainerState = options.resumeFrom ? structuredClone(options.resumeFrom) : initialTrainerState();
  // tf.train.adam reads its (protected) learningRate at every step; the schedule sets it.
  const optimizer = task.optimizer as unknown as { learningRate: number } & tf.Optimizer;
  const timing = options.timing;
  let inputMs = 0;
  let stallMs = 0;
  let loopMs = 0;
  let stepsTimed = 0;
  const build = (e: number): TrainingEpisode => {
    const t0 = performance.now();
    const episode = buildTrainingEpisode(sampler.episode(e), pool, encoder, c, classIndex, seed);
    inputMs += performance.now() - t0;
    return episode;
  };
  let next: TrainingEpisode | null = state.episode < c.episodes && !state.stoppedEarly ? build(state.episode) : null;
  while (next && state.episode < c.episodes && !state.stoppedEarly) {
    const e = state.episode;
    const t0 = performance.now();
    const learningRate = learningRateAt(e, c.episodes, c);
    optimizer.learningRate = learningRate;
    const pending = task.trainStep(next);
    next = e + 1 < c.episodes ? build(e + 1) : null; // overlaps the step's forward calls on a pool
    const step = await pending;
    stallMs += step.mainBusyMs;
    loopMs += performance.now() - t0;
    stepsTimed++;
    const record: StepRecord = { episode: e + 1, loss: step.loss, learningRate, ...step.parts };
    state.history.push(record);
    state.episode = e + 1;
    hooks?.onStep?.(record, state);
    if (state.episode % c.validateEvery === 0 || state.episode === c.episodes) {
      const accuracy = validator.accuracy(task.model, trainingSpace(c));
      state.validation.push({ episode: state.episode, accuracy });
      if (accuracy > state.best.accuracy || Number.isNaN(accuracy)) {
        state.best = { episode: state.episode, accuracy };
        state.sinceImprovement = 0;
        await hooks?.onImproved?.(state);
      } else if (++state.sinceImprovement >= c.patience) {
        state.stoppedEarly = true;
      }
      await hooks?.onCheckpoint?.(state);
    }
  }
  if (timing) {
    const workers = task.runner.workers;
    Object.assign(timing, {
      episodes: stepsTimed,
      wallMs: loopMs,
      inputMs,
      stallMs,
      workers,
      inputLostFraction: loopMs > 0 ? (workers > 0 ? stallMs : inputMs) / loopMs : 0,
    } satisfies LoopTiming);
  }
  return state;
}
