/** A small HTTP client for tests: JSON in and out, headers kept. */
export interface HttpResponse<T = any> {
	status: number;
	headers: Headers;
	body: T;
	text: string;
}

export interface RequestOptions {
	token?: string;
	body?: unknown;
	rawBody?: string | Buffer;
	headers?: Record<string, string>;
}

export async function request<T = any>(
	baseUrl: string,
	method: string,
	path: string,
	options: RequestOptions = {},
): Promise<HttpResponse<T>> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	let body: string | Buffer | undefined = options.rawBody;
	if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers["content-type"] ??= "application/json";
	}
	const res = await fetch(baseUrl + path, { method, headers, body });
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : null;
	} catch {
		// not JSON: keep the text
	}
	return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** A client bound to one gateway URL. */
export function client(baseUrl: string) {
	return {
		get: <T = any>(path: string, options?: RequestOptions) =>
			request<T>(baseUrl, "GET", path, options),
		post: <T = any>(path: string, options?: RequestOptions) =>
			request<T>(baseUrl, "POST", path, options),
		put: <T = any>(path: string, options?: RequestOptions) =>
			request<T>(baseUrl, "PUT", path, options),
		patch: <T = any>(path: string, options?: RequestOptions) =>
			request<T>(baseUrl, "PATCH", path, options),
		delete: <T = any>(path: string, options?: RequestOptions) =>
			request<T>(baseUrl, "DELETE", path, options),
	};
}
