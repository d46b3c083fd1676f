import { t } from './assets/checkout-strings.js';
import { html } from './html.ts';

/** A page with a title and one sentence: unknown invoice, too many requests, an error. */
export function renderMessagePage(input: {
  locale: string;
  titleKey: string;
  textKey: string;
  assetVersion: string;
}): string {
  const { locale } = input;
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${t(locale, input.titleKey)}</title>
<link rel="stylesheet" href="/assets/checkout/checkout.css?v=${input.assetVersion}">
</head>
<body>
<main class="checkout message">
<h1>${t(locale, input.titleKey)}</h1>
<p>${t(locale, input.textKey)}</p>
</main>
</body>
</html>
`.html;
}
