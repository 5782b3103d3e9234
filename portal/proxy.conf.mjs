// `npm start` (ng serve on http://localhost:4200) forwards everything that is not the app to a
// running gateway, so the BFF login, the session cookie and XSRF work as in production.
// EDP_GATEWAY=http://localhost:38080 npm start   (default http://localhost:8080)
const target = process.env.EDP_GATEWAY ?? 'http://localhost:8080';
export default {
  '/api': { target, changeOrigin: false, ws: false },
  '/oauth2': { target, changeOrigin: false },
  '/login': { target, changeOrigin: false },
  '/logout': { target, changeOrigin: false },
};
