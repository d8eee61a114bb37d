/**
 * `/docs`: the API reference rendered by Swagger UI from `/openapi.json`, with every asset
 * served from the installed `swagger-ui-dist` package (no CDN).
 */
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { getAbsoluteFSPath } from "swagger-ui-dist";

const ASSETS: Record<string, string> = {
	"swagger-ui.css": "text/css; charset=utf-8",
	"swagger-ui-bundle.js": "application/javascript; charset=utf-8",
	"favicon-32x32.png": "image/png",
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kasify API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// A separate file rather than an inline script keeps the page under a strict CSP.
const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: true
});
`;

const DOCS_CSP =
	"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; font-src 'self'";

const cache = new Map<string, Buffer>();

function asset(name: string): Buffer {
	let content = cache.get(name);
	if (!content) {
		content = readFileSync(join(getAbsoluteFSPath(), name));
		cache.set(name, content);
	}
	return content;
}

function send(res: ServerResponse, type: string, body: string | Buffer, maxAge: number): void {
	res.setHeader("Content-Type", type);
	res.setHeader("Content-Security-Policy", DOCS_CSP);
	res.setHeader("Cache-Control", `public, max-age=${maxAge}`);
	res.end(body);
}

export function sendDocsPage(res: ServerResponse): void {
	send(res, "text/html; charset=utf-8", PAGE, 300);
}

/** Serves one docs asset; false when the name is not one of them. */
export function sendDocsAsset(res: ServerResponse, name: string): boolean {
	if (name === "init.js") {
		send(res, "application/javascript; charset=utf-8", INIT, 300);
		return true;
	}
	const type = ASSETS[name];
	if (!type) return false;
	send(res, type, asset(name), 86_400);
	return true;
}
