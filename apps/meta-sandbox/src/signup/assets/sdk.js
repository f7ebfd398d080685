/*
 * Coexist sandbox: a stand-in for Meta's JavaScript SDK (connect.facebook.net/en_US/sdk.js)
 * with the calls Embedded Signup uses: FB.init and FB.login. The page that launches signup is
 * the same for Meta and for the sandbox; only the script URL and the postMessage origin differ.
 *
 * FB.login opens the sandbox's signup popup. The popup posts the session events
 * (WA_EMBEDDED_SIGNUP, a JSON string) to this window, and, separately, the code that FB.login
 * hands to its callback, as Meta does: the two arrive independently.
 */
(() => {
  const SANDBOX_ORIGIN = '__SANDBOX_ORIGIN__';
  const LOGIN_MESSAGE = 'COEXIST_SANDBOX_LOGIN';
  const state = { appId: null, version: null };

  function loginResponse(data) {
    if (data.status !== 'connected') return { authResponse: null, status: 'unknown' };
    return {
      authResponse: {
        code: data.code,
        userID: data.user_id,
        expiresIn: 0,
        graphDomain: 'facebook',
        data_access_expiration_time: Math.floor(Date.now() / 1000) + 90 * 24 * 3600,
      },
      status: 'connected',
    };
  }

  const FB = {
    init(options) {
      const opts = options || {};
      state.appId = opts.appId === undefined ? null : String(opts.appId);
      state.version = opts.version || null;
    },

    login(callback, options) {
      const done = typeof callback === 'function' ? callback : () => {};
      const opts = options || {};
      if (!state.appId) {
        console.error('FB.login() called before FB.init().');
        done({ authResponse: null, status: 'unknown' });
        return;
      }
      const params = new URLSearchParams({
        app_id: state.appId,
        config_id: opts.config_id || '',
        response_type: opts.response_type || 'token',
        override_default_response_type: String(Boolean(opts.override_default_response_type)),
        extras: JSON.stringify(opts.extras || {}),
        version: state.version || '',
        origin: window.location.origin,
      });
      const width = 1000;
      const height = 760;
      const left = Math.max(0, (window.screenX || 0) + ((window.outerWidth || width) - width) / 2);
      const top = Math.max(0, (window.screenY || 0) + ((window.outerHeight || height) - height) / 2);
      const popup = window.open(
        `${SANDBOX_ORIGIN}/dialog/oauth?${params}`,
        'coexist_sandbox_signup',
        `width=${width},height=${height},left=${left},top=${top}`,
      );
      if (!popup) {
        done({ authResponse: null, status: 'unknown' });
        return;
      }

      let finished = false;
      let closedTimer = null;
      function finish(response) {
        if (finished) return;
        finished = true;
        window.removeEventListener('message', onMessage);
        clearInterval(closedTimer);
        done(response);
      }
      function onMessage(event) {
        if (event.origin !== SANDBOX_ORIGIN) return;
        let data;
        try {
          data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
        } catch {
          return;
        }
        if (data && data.type === LOGIN_MESSAGE) finish(loginResponse(data));
      }
      window.addEventListener('message', onMessage);
      // A popup closed without an answer is a cancelled login, as with Meta.
      closedTimer = setInterval(() => {
        if (popup.closed) setTimeout(() => finish({ authResponse: null, status: 'unknown' }), 500);
      }, 400);
    },

    getLoginStatus(callback) {
      if (typeof callback === 'function') callback({ authResponse: null, status: 'unknown' });
    },
    logout(callback) {
      if (typeof callback === 'function') callback({ authResponse: null, status: 'unknown' });
    },
    AppEvents: { logPageView() {} },
    XFBML: { parse() {} },
    Event: { subscribe() {}, unsubscribe() {} },
  };

  window.FB = FB;
  if (typeof window.fbAsyncInit === 'function') setTimeout(window.fbAsyncInit, 0);
})();
