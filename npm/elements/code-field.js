// <totp-code-field> (`totpkit/elements/code-field`): the login step's code input. Runs on the
// JS rules alone; the wasm front is loaded only when a `uri` is given (to diagnose refusals).
import { CodeElement, define, front, tk } from './base.js';

/** `<totp-code-field>`: one code input with Verify, for the login step; form-associated. */
export class TotpCodeField extends CodeElement {
  static formAssociated = true;
  static observedAttributes = ['digits', 'uri'];
  #internals = this.attachInternals?.();

  render() {
    const digits = Number(this.getAttribute('digits')) || undefined;
    this.shadowRoot.replaceChildren(...this.codeForm(digits));
    this.changed();
  }
  /** The parsed key when a `uri` was given (attribute or property): diagnoses refused codes. */
  get key() {
    const uri = this.uri ?? this.getAttribute('uri');
    try {
      // The wasm parses it; until it is loaded (see changed), refusals get the generic sentence.
      return uri && tk ? tk.parseOtpauthUri(uri) : null;
    } catch {
      return null;
    }
  }
  get form() {
    return this.#internals?.form;
  }
  get name() {
    return this.getAttribute('name');
  }
  /** The normalized code, or what was typed while it is not one. */
  get value() {
    return this.normalized() ?? this.input?.value ?? '';
  }
  changed() {
    // Given the enrollment's `uri` (attribute, or property set at any time), the wasm that
    // diagnoses a refused code is loaded by the time the server answers: on render, and again
    // as the code is typed.
    if (!tk && (this.uri ?? this.getAttribute('uri'))) front().catch(() => {});
    const code = this.normalized();
    this.#internals?.setFormValue(code ?? this.input.value);
    this.#internals?.setValidity(code ? {} : { badInput: true }, this.strings.enterCode(this.digits || 6), this.input);
  }
  /** Inside a <form>: a valid code also submits it (unless a `totp-code` listener cancelled). */
  submitted() {
    this.form?.requestSubmit();
  }
  formResetCallback() {
    this.input.value = '';
    this.changed();
  }
  formDisabledCallback(disabled) {
    this.input.disabled = this.button.disabled = disabled;
  }
}

define('totp-code-field', TotpCodeField);
