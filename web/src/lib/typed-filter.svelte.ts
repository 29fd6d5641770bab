/**
 * A text filter kept in the page's URL: what is typed shows at once and goes to the URL after a pause
 * (or at once on Enter); otherwise the box follows the URL (back, forward, 清除).
 */
export class TypedFilter {
	text = $state('');
	#typing = false;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#send: (value: string) => void;
	#delayMs: number;

	constructor(send: (value: string) => void, delayMs = 400) {
		this.#send = send;
		this.#delayMs = delayMs;
	}

	/** The URL's value, shown unless the user is typing. */
	follow(fromUrl: string) {
		if (!this.#typing) this.text = fromUrl;
	}

	input(value: string) {
		this.text = value;
		this.#typing = true;
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => this.flush(), this.#delayMs);
	}

	flush() {
		clearTimeout(this.#timer);
		this.#typing = false;
		this.#send(this.text.trim());
	}
}
