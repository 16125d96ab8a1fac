// Starts Swagger UI on /docs and /api?f=html. A file of this site rather than an inline script,
// so the page's CSP allows scripts from 'self' only; the document URL comes from a data attribute.
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: root.dataset.url,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null, // the default badge asks validator.swagger.io: nothing leaves this site
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
