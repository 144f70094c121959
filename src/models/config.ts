import { z } from 'zod';

/** One residual basic block of the ECG encoder. */
export const residualBlockConfigSchema = z.object({
  /** Output channels. */
  out: z.number().int().positive(),
  /** Stride of the first conv and of the 1×1 shortcut (time downsampling). */
  stride: z.number().int().positive(),
  /** Kernel size of both convs ('same' padding). */
  kernel: z.number().int().positive(),
});

/**
 * Architecture of a {@link FewbeatModel}. Every field has a documented default; the defaults
 * together are the "bench" workload (424,577 trainable parameters with late fusion).
 * Named presets live in `data/presets/<name>.json` (see `presets.ts`).
 */
export const modelConfigSchema = z.object({
  ecg: z
    .object({
      /** Leads L of the input `[B, T, L]`. @default 12 */
      leads: z.number().int().positive().default(12),
      /** Samples T per recording (the model rate × window). @default 1000 */
      samples: z.number().int().positive().default(1000),
      /** Channels of the stem conv. @default 32 */
      stemChannels: z.number().int().positive().default(32),
      /** Kernel of the stem conv (no bias, stride `stemStride`). @default 7 */
      stemKernel: z.number().int().positive().default(7),
      /** Stride of the stem conv. @default 2 */
      stemStride: z.number().int().positive().default(2),
      /** Residual basic blocks, in order. @default 32→64, 64→128, 128→128, each stride 2, kernel 5 */
      blocks: z
        .array(residualBlockConfigSchema)
        .min(1)
        .default([
          { out: 64, stride: 2, kernel: 5 },
          { out: 128, stride: 2, kernel: 5 },
          { out: 128, stride: 2, kernel: 5 },
        ]),
      /** Dimension D of the ECG embedding h (and of the fused embedding z). @default 128 */
      embedDim: z.number().int().positive().default(128),
      /**
       * How the lead mask enters the encoder. Absent leads are always zeroed; then
       * - `rescale`: the remaining leads are multiplied by L / (number present), like inverted
       *   dropout, so the stem sees the same input energy whatever is missing (no parameters);
       * - `channels`: the mask is also appended as L constant input channels, so the stem knows
       *   which leads are missing (L·k·C extra stem weights).
       * @default 'rescale'
       */
      leadMask: z.enum(['rescale', 'channels']).default('rescale'),
    })
    .prefault({}),
  clinical: z
    .object({
      /** F, the length of the encoded clinical feature vector (from `src/clinical/encode.ts`). @default 24 */
      inputDim: z.number().int().positive().default(24),
      /** Hidden widths of the clinical MLP (ReLU after each). @default [64] */
      hidden: z.array(z.number().int().positive()).default([64]),
      /** Dimension of the clinical embedding g (linear output). @default 128 */
      embedDim: z.number().int().positive().default(128),
    })
    .prefault({}),
  /** Hidden widths of the late-fusion MLP z = MLP([h; g]) before its linear output (ReLU after each). @default [] */
  fusionHidden: z.array(z.number().int().positive()).default([]),
  /** Dimension P of the contrastive projections u and v. @default 64 */
  projDim: z.number().int().positive().default(64),
  /** Initial learnable log-scale s (= log(1/τ), CLIP's log(1/0.07)). @default 2.659 */
  logitScaleInit: z.number().default(Math.log(1 / 0.07)),
  /** s is clamped at this value before exp (CLIP's log 100). @default 4.605 */
  logitScaleMax: z.number().default(Math.log(100)),
  /** Weight of the new batch statistics in the running averages of BatchNorm (PyTorch's convention). @default 0.1 */
  batchNormMomentum: z.number().gt(0).lte(1).default(0.1),
  /** ε added to the variance in BatchNorm. @default 1e-5 */
  batchNormEpsilon: z.number().positive().default(1e-5),
});

/** A parsed, complete model configuration. */
export type ModelConfig = z.infer<typeof modelConfigSchema>;
/** A configuration as written in a preset or config file (every field optional). */
export type ModelConfigInput = z.input<typeof modelConfigSchema>;
