import { api, ApiError, uploadCase } from '../api/client';
import type { ClinicalField } from '../api/types';
import { field, h, mount, notice, setFieldError } from '../ui/dom';
import { fieldLabel, IMPLIED_FIELDS, parseFieldInput, type ParsedValue } from './clinical-input';

/** One control of the clinical form and how to read it. */
interface FormControl {
  field: ClinicalField;
  el: HTMLElement;
  read: () => ParsedValue;
}

function controlFor(f: ClinicalField): FormControl {
  const id = `cf-${f.name}`;
  const desc = f.description ? `${f.description}. ` : '';
  switch (f.type) {
    case 'numeric': {
      const input = h('input', { type: 'text', inputmode: 'decimal', name: f.name, autocomplete: 'off' });
      const el = field(
        id,
        `${fieldLabel(f.name, f.unit)} (${f.unit})`,
        input,
        `${desc}${f.range[0]} to ${f.range[1]} ${f.unit}; may stay empty.`,
      );
      return { field: f, el, read: () => parseFieldInput(f, input.value) };
    }
    case 'boolean':
    case 'categorical': {
      const options = f.type === 'boolean' ? ['yes', 'no'] : f.categories;
      const sel = h(
        'select',
        { name: f.name },
        h('option', { value: '' }, 'not known'),
        ...options.map((o) => h('option', { value: o }, o)),
      );
      const el = field(id, fieldLabel(f.name), sel, `${desc}May stay “not known”.`);
      return { field: f, el, read: () => parseFieldInput(f, sel.value) };
    }
    case 'multi-label': {
      const boxes = f.labels.map((l, i) => {
        const cb = h('input', { type: 'checkbox', id: `${id}-${i}`, value: l });
        return { cb, el: h('span', { className: 'check' }, cb, h('label', { for: `${id}-${i}` }, l)) };
      });
      const el = h(
        'fieldset',
        { className: 'field', id },
        h('legend', {}, fieldLabel(f.name)),
        f.description ? h('p', { className: 'hint' }, f.description) : null,
        ...boxes.map((b) => b.el),
        h('p', { className: 'field-error', id: `${id}-error`, 'aria-live': 'polite' }),
      );
      return {
        field: f,
        el,
        read: () =>
          parseFieldInput(
            f,
            boxes.filter((b) => b.cb.checked).map((b) => b.cb.value),
          ),
      };
    }
  }
}

function sizeText(bytes: number): string {
  return bytes < 1024
    ? `${bytes} B`
    : bytes < 1 << 20
      ? `${(bytes / 1024).toFixed(1)} kB`
      : `${(bytes / (1 << 20)).toFixed(1)} MB`;
}

export async function newCasePage(main: HTMLElement): Promise<void> {
  const files: File[] = [];
  const fileInput = h('input', { type: 'file', multiple: true, id: 'nc-files', className: 'visually-hidden' });
  const fileList = h('ul', { className: 'file-list', 'aria-live': 'polite' });
  const drop = h(
    'div',
    { className: 'dropzone' },
    h('p', {}, 'Drop the files of one ECG record here (.hea with .dat or .mat, .edf, or .csv), or'),
    h('label', { for: 'nc-files', className: 'button' }, 'Choose files'),
    fileInput,
    fileList,
  );
  const showFiles = () =>
    mount(
      fileList,
      ...files.map((f, i) =>
        h(
          'li',
          {},
          `${f.name} (${sizeText(f.size)}) `,
          h(
            'button',
            {
              type: 'button',
              'aria-label': `Remove ${f.name}`,
              onclick: () => {
                files.splice(i, 1);
                showFiles();
              },
            },
            'Remove',
          ),
        ),
      ),
    );
  const addFiles = (list: FileList | null) => {
    if (!list) return;
    for (const f of Array.from(list)) if (!files.some((g) => g.name === f.name)) files.push(f);
    showFiles();
  };
  fileInput.addEventListener('change', () => {
    addFiles(fileInput.files);
    fileInput.value = '';
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    addFiles(e.dataTransfer?.files ?? null);
  });

  const status = h('div');
  mount(main, h('h1', {}, 'New case'), notice('info', 'Loading the model’s clinical fields…'));
  let schemaFields: ClinicalField[] = [];
  try {
    schemaFields = (await api.model()).clinicalSchema.fields;
  } catch (e) {
    mount(status, notice('error', `Could not read the model’s clinical schema: ${(e as Error).message}`));
  }
  const controls = [
    ...IMPLIED_FIELDS,
    ...schemaFields.filter((f) => !IMPLIED_FIELDS.some((g) => g.name === f.name)),
  ].map(controlFor);
  const patient = h('input', { type: 'text', name: 'patientId', autocomplete: 'off' });
  const label = h('input', { type: 'text', name: 'label', autocomplete: 'off' });
  const fs = h('input', { type: 'text', inputmode: 'decimal', name: 'fs', autocomplete: 'off' });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Upload progress', hidden: true });
  const submit = h('button', { type: 'submit', className: 'primary' }, 'Upload');

  const check = (c: FormControl): ParsedValue => {
    const r = c.read();
    const target = c.el.querySelector('input,select') as HTMLElement | null;
    const id = c.el.id || target?.id;
    const errEl = document.getElementById(`${id}-error`) ?? c.el.querySelector('.field-error');
    if (target && c.field.type !== 'multi-label') setFieldError(target, r.ok ? null : r.error);
    else if (errEl) errEl.textContent = r.ok ? '' : r.error;
    return r;
  };
  for (const c of controls) {
    c.el.addEventListener('change', () => check(c));
    c.el.addEventListener('focusout', () => check(c));
  }

  const form = h(
    'form',
    { className: 'new-case', novalidate: true },
    h(
      'section',
      { 'aria-labelledby': 'nc-rec' },
      h('h2', { id: 'nc-rec' }, '1. ECG record'),
      drop,
      field(
        'nc-fs',
        'Sampling rate for a CSV without a time column (Hz)',
        fs,
        'Leave empty for WFDB and EDF, which say it.',
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'nc-ctx' },
      h('h2', { id: 'nc-ctx' }, '2. The child’s clinical context'),
      h('p', { className: 'hint' }, 'Every field may stay empty; an empty field is sent as not known.'),
      field('nc-patient', 'Patient key (for comparing with earlier ECGs)', patient),
      field('nc-label', 'Short title', label),
      h('div', { className: 'clinical-grid' }, ...controls.map((c) => c.el)),
    ),
    h('div', { className: 'actions' }, submit, progress),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!files.length) {
      mount(status, notice('error', 'Add the files of one ECG record first.'));
      return;
    }
    const clinical: Record<string, unknown> = {};
    let firstBad: FormControl | null = null;
    for (const c of controls) {
      const r = check(c);
      if (!r.ok) firstBad ??= c;
      else if (r.value !== null) clinical[c.field.name] = r.value;
    }
    if (firstBad) {
      mount(status, notice('error', 'Some clinical values need fixing: see the message under each.'));
      (firstBad.el.querySelector('input,select') as HTMLElement | null)?.focus();
      return;
    }
    const fields: Record<string, string> = { clinical: JSON.stringify(clinical) };
    if (patient.value.trim()) fields['patientId'] = patient.value.trim();
    if (label.value.trim()) fields['label'] = label.value.trim();
    if (fs.value.trim()) fields['fs'] = fs.value.trim();
    submit.disabled = true;
    progress.hidden = false;
    mount(status, notice('info', 'Uploading…'));
    try {
      const c = await uploadCase(files, fields, (f) => (progress.value = f));
      location.hash = `#/case/${encodeURIComponent(c.id)}`;
    } catch (err) {
      mount(status, notice('error', err instanceof ApiError ? err.message : String(err)));
      submit.disabled = false;
      progress.hidden = true;
    }
  });
  mount(main, h('h1', {}, 'New case'), form);
}
