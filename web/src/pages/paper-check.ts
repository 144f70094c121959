import { renderPage } from '../ecg/render';
import type { Trace } from '../ecg/trace';
import { h, mount } from '../ui/dom';

/**
 * A test signal for checking the paper with a ruler, on screen and on a printout: a 1 mV step that lasts
 * exactly 1 s, repeated. At 25 mm/s and 10 mm/mV each pulse is 25 mm wide and 10 mm high.
 */
export function calibrationTrace(fs = 500, seconds = 10): Trace {
  const s = new Float64Array(fs * seconds);
  for (let i = 0; i < s.length; i++) {
    const t = i / fs;
    s[i] = t >= 1 && t < 2 ? 1 : t >= 5 && t < 6 ? 1 : 0;
  }
  return { fs, leads: ['test'], signals: [s], durationS: seconds };
}

export function paperCheckPage(main: HTMLElement): void {
  const canvas = h('canvas', {
    id: 'paper-check',
    role: 'img',
    'aria-label': 'Test signal: 1 mV pulses lasting 1 s at 25 mm/s and 10 mm/mV',
  });
  renderPage(canvas, calibrationTrace(), { layout: '12x1', speed: 25, gain: 10, zoom: 1, t0: 0 });
  mount(
    main,
    h('h1', {}, 'Paper check'),
    h(
      'p',
      {},
      'A test signal of 1 mV pulses lasting 1 s, at 25 mm/s and 10 mm/mV. With a ruler on the printout each pulse is ',
      '25 mm wide and 10 mm high, and the small squares are 1 mm. On a screen the size is exact only when the ',
      'browser’s zoom matches the screen’s pixel density.',
    ),
    h('div', { className: 'scroll' }, canvas),
  );
}
