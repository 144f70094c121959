import * as tf from '@tensorflow/tfjs';
import type { EcgEncoder } from '../ecg-encoder.js';
import { constant } from '../init.js';
import { Dense } from '../layers/dense.js';
import type { ParameterStore } from '../parameter-store.js';
import type { Modulation } from '../residual-block.js';
import type { Fusion, FusionInputs } from './fusion.js';

/** BatchNorm statistics stream of the clinically modulated pass. */
export const FILM_STREAM = 'film';

/**
 * Early fusion by FiLM (Perez et al. 2018, "FiLM: Visual Reasoning with a General Conditioning
 * Layer"): the clinical embedding g sets a per-channel scale and shift in every residual block,
 *
 *     [scale_b; shift_b] = W_b g + c_b          g [B, Dc] → [B, 2·C_b]   (zero-initialised: identity at start)
 *     z = ecg.embed(blocks(stem, modulated by (scale_b, shift_b)))
 *
 * The stem and the ECG weights are shared with the unconditioned pass that yields h; the
 * modulated pass keeps its own BatchNorm running statistics (stream `film`), because its
 * activations are distributed differently. Cost: the residual blocks run twice per forward.
 */
export class FilmFusion implements Fusion {
  private readonly generators: Dense[];

  constructor(
    store: ParameterStore,
    private readonly encoder: EcgEncoder,
    clinicalDim: number,
  ) {
    this.generators = encoder.blockChannels.map(
      (c, i) => new Dense(store, `fusion.film${i + 1}`, clinicalDim, 2 * c, constant(0)),
    );
  }

  fuse({ stem, clinicalEmbedding, training }: FusionInputs): tf.Tensor2D {
    if (!stem)
      throw new Error('FiLM fusion re-runs the residual blocks from the stem, which this forward pass did not compute');
    const modulations: Modulation[] = this.generators.map((generator, i) => {
      const channels = this.encoder.blockChannels[i] as number;
      const [scale, shift] = tf.split(generator.apply(clinicalEmbedding), [channels, channels], 1) as [
        tf.Tensor2D,
        tf.Tensor2D,
      ]; // [B, C], [B, C]
      return { scale, shift };
    });
    return this.encoder.embed(this.encoder.blocks(stem, training, { stream: FILM_STREAM, modulations }));
  }
}
