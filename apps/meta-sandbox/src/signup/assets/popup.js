/*
 * The Embedded Signup popup of the Coexist sandbox: the coexistence flow (log in, business
 * portfolio, connect the existing WhatsApp Business app, number, QR code, scan and share on
 * the phone, finish). Each step is checked by the sandbox server; this page shows them and
 * talks to the window that opened it, exactly as Meta's popup does:
 *
 *   - session events as JSON strings: {"type":"WA_EMBEDDED_SIGNUP","event":…,"data":…}
 *   - the login result (the code) in a separate message that the sandbox SDK hands to the
 *     FB.login callback.
 */
(() => {
  const LOGIN_MESSAGE = 'COEXIST_SANDBOX_LOGIN';
  const STEPS = [
    'LOGIN',
    'BUSINESS_ACCOUNT_SELECTION',
    'WHATSAPP_BUSINESS_APP_CONNECTION',
    'PHONE_NUMBER_SETUP',
    'PHONE_NUMBER_VERIFICATION',
    'CHAT_HISTORY_SHARING',
    'REVIEW',
    'DONE',
  ];
  const options = JSON.parse(document.getElementById('es-options').textContent);
  const query = new URLSearchParams(window.location.search);
  const openerOrigin = /^https?:\/\/[^/]+$/.test(query.get('origin') || '') ? query.get('origin') : null;
  const $ = (id) => document.getElementById(id);

  const state = { session: null, step: 'LOADING', fallback: null, finished: false, poll: null };

  // -------------------------------------------------------------------------------------------
  // Talking to the opener.

  function postToOpener(message) {
    if (!window.opener || !openerOrigin) return;
    try {
      window.opener.postMessage(JSON.stringify(message), openerOrigin);
    } catch (error) {
      console.warn('could not post to the opener', error);
    }
  }

  function sendFinish(payload) {
    if (state.finished) return;
    state.finished = true;
    postToOpener(payload.event);
    // The code reaches FB.login's callback on its own, as with Meta.
    setTimeout(() => postToOpener({ type: LOGIN_MESSAGE, status: 'connected', code: payload.code }), 50);
  }

  function sendCancel(step) {
    if (state.finished) return;
    state.finished = true;
    postToOpener({ data: { current_step: step }, type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL' });
    postToOpener({ type: LOGIN_MESSAGE, status: 'unknown' });
    if (state.session) {
      navigator.sendBeacon(
        `/dialog/api/sessions/${state.session}/cancel`,
        new Blob([JSON.stringify({ current_step: step })], { type: 'application/json' }),
      );
    }
  }

  function onClose() {
    if (state.finished || state.step === 'ERROR' || state.step === 'LOADING') return;
    // Closing on the last screen counts as finishing (Meta); anywhere else it cancels.
    if (state.step === 'REVIEW' && state.fallback) sendFinish(state.fallback);
    else sendCancel(state.step);
  }
  // Browsers differ in which of these they fire when a popup is closed; either will do.
  window.addEventListener('beforeunload', onClose);
  window.addEventListener('pagehide', onClose);

  // -------------------------------------------------------------------------------------------
  // The server.

  async function api(path, body) {
    const response = await fetch(`/dialog/api/sessions${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(json.error?.message || `HTTP ${response.status}`);
      error.code = json.error?.code;
      error.field = json.error?.field;
      throw error;
    }
    return json;
  }

  // -------------------------------------------------------------------------------------------
  // Showing steps.

  function show(step) {
    state.step = step;
    for (const section of document.querySelectorAll('.step')) {
      section.hidden = section.dataset.step !== step;
    }
    const index = STEPS.indexOf(step);
    const label = $('es-step-label');
    if (index >= 0 && step !== 'DONE') {
      label.textContent = `Step ${index + 1} of ${STEPS.length - 1}`;
      $('es-progress-bar').style.width = `${((index + 1) / (STEPS.length - 1)) * 100}%`;
    } else {
      label.textContent = step === 'DONE' ? 'Done' : '';
      $('es-progress-bar').style.width = step === 'DONE' ? '100%' : '0';
    }
    const title = document.querySelector(`.step[data-step="${step}"] .step-title`);
    if (title) title.focus();
    $('es-cancel').hidden = step === 'DONE' || step === 'ERROR';
    renderPhone();
  }

  function fail(message) {
    $('es-error-message').textContent = message;
    show('ERROR');
  }

  function busy(button, on) {
    button.disabled = on;
    button.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  function fill(selector, text) {
    for (const element of document.querySelectorAll(selector)) element.textContent = text;
  }

  // -------------------------------------------------------------------------------------------
  // The simulated phone.

  function phoneSettings() {
    return {
      app_version: $('phone-app-version').value,
      timezone: $('phone-timezone').value || null,
      country: $('phone-country').value,
    };
  }

  function phoneView(name) {
    for (const view of document.querySelectorAll('.phone-view'))
      view.hidden = view.id !== `phone-view-${name}`;
  }

  function renderPhone() {
    const step = state.step;
    if (step === 'PHONE_NUMBER_VERIFICATION') phoneView('scan');
    else if (step === 'CHAT_HISTORY_SHARING') phoneView(state.connectTapped ? 'share' : 'connect');
    else if (step === 'REVIEW' || step === 'DONE') phoneView('connected');
    else phoneView('idle');
    const settingsLocked = STEPS.indexOf(step) > STEPS.indexOf('PHONE_NUMBER_VERIFICATION');
    for (const id of ['phone-country', 'phone-app-version', 'phone-timezone'])
      $(id).disabled = settingsLocked;
  }

  function phoneError(message) {
    $('phone-error').textContent = message || '';
  }

  function fillPhoneSettings() {
    const country = $('phone-country');
    for (const entry of options.countries) {
      country.add(new Option(`${entry.name} (+${entry.dial})`, entry.code));
    }
    country.value = 'US';
    const version = $('phone-app-version');
    for (const entry of options.appVersions) version.add(new Option(entry.label, entry.value));
    const timezone = $('phone-timezone');
    timezone.add(new Option('None (not set)', ''));
    for (const zone of options.timezones) timezone.add(new Option(zone, zone));
    timezone.value = 'America/New_York';
    country.addEventListener('change', () => {
      const entry = options.countries.find((c) => c.code === country.value);
      const input = $('es-phone-number');
      if (entry && (input.value.trim() === '' || /^\+\d*\s*$/.test(input.value)))
        input.value = `+${entry.dial} `;
      if (entry && entry.timezone !== undefined) timezone.value = entry.timezone;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Steps.

  async function start() {
    fillPhoneSettings();
    // Opened on its own (a demo), the popup plays the coexistence flow for the sandbox's app.
    const standalone = !query.has('app_id');
    let extras = standalone
      ? { setup: {}, featureType: 'whatsapp_business_app_onboarding', sessionInfoVersion: '3' }
      : {};
    try {
      extras = JSON.parse(query.get('extras') || JSON.stringify(extras));
    } catch {
      extras = {};
    }
    try {
      const started = await api('', {
        app_id: standalone ? options.appId : query.get('app_id'),
        config_id: (standalone ? options.configId : query.get('config_id')) || undefined,
        extras,
        origin: openerOrigin || undefined,
      });
      state.session = started.session_id;
      fill('[data-app-name]', started.app_name);
      fill('[data-user-name]', started.user_name);
      show('LOGIN');
    } catch (error) {
      fail(error.message);
    }
  }

  $('es-login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('es-login-continue');
    busy(button, true);
    try {
      const answer = await api(`/${state.session}/login`, {});
      const list = $('es-portfolio-list');
      list.replaceChildren();
      for (const portfolio of answer.portfolios) {
        const label = document.createElement('label');
        label.className = 'choice';
        label.htmlFor = `es-portfolio-${portfolio.id}`;
        const input = document.createElement('input');
        input.type = 'radio';
        input.name = 'portfolio';
        input.id = `es-portfolio-${portfolio.id}`;
        input.value = portfolio.id;
        const span = document.createElement('span');
        span.textContent = portfolio.name;
        label.append(input, span);
        list.append(label);
      }
      const first = list.querySelector('input') || $('es-portfolio-new');
      first.checked = true;
      updatePortfolioName();
      show('BUSINESS_ACCOUNT_SELECTION');
    } catch (error) {
      fail(error.message);
    } finally {
      busy(button, false);
    }
  });

  function updatePortfolioName() {
    const creating = $('es-portfolio-new').checked;
    $('es-portfolio-name-field').hidden = !creating;
  }
  $('es-portfolio-form').addEventListener('change', updatePortfolioName);

  $('es-portfolio-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('es-portfolio-continue');
    const chosen = document.querySelector('input[name="portfolio"]:checked');
    const body =
      !chosen || chosen.value === 'new'
        ? { new_name: $('es-portfolio-name').value }
        : { business_id: chosen.value };
    busy(button, true);
    $('es-portfolio-error').textContent = '';
    try {
      await api(`/${state.session}/portfolio`, body);
      show('WHATSAPP_BUSINESS_APP_CONNECTION');
    } catch (error) {
      $('es-portfolio-error').textContent = error.message;
      if (error.field === 'new_name') $('es-portfolio-name').focus();
    } finally {
      busy(button, false);
    }
  });

  $('es-connect-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('es-connect-continue');
    busy(button, true);
    try {
      await api(`/${state.session}/connect`, {});
      show('PHONE_NUMBER_SETUP');
      const input = $('es-phone-number');
      if (input.value.trim() === '') input.value = '+1 ';
      input.focus();
    } catch (error) {
      fail(error.message);
    } finally {
      busy(button, false);
    }
  });

  $('es-number-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('es-number-continue');
    const input = $('es-phone-number');
    busy(button, true);
    $('es-number-error').textContent = '';
    input.removeAttribute('aria-invalid');
    try {
      const answer = await api(`/${state.session}/number`, { phone_number: input.value, ...phoneSettings() });
      $('es-qr').src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(answer.qr_svg)}`;
      $('es-qr').dataset.url = answer.qr_url;
      $('es-qr-number').textContent = answer.display_phone_number;
      show('PHONE_NUMBER_VERIFICATION');
      watchForScan();
    } catch (error) {
      $('es-number-error').textContent = error.message;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      busy(button, false);
    }
  });

  /** The QR code's own link can be opened by another device: follow the server's state. */
  function watchForScan() {
    clearInterval(state.poll);
    state.poll = setInterval(async () => {
      if (state.step !== 'PHONE_NUMBER_VERIFICATION') {
        clearInterval(state.poll);
        return;
      }
      try {
        const view = await api(`/${state.session}`);
        if (view.step === 'CHAT_HISTORY_SHARING') scanned();
      } catch {
        // the next poll tries again
      }
    }, 1000);
  }

  function scanned() {
    clearInterval(state.poll);
    $('es-qr-status').textContent = 'Scanned. Continue on your phone.';
    state.connectTapped = false;
    show('CHAT_HISTORY_SHARING');
  }

  $('phone-scan').addEventListener('click', async () => {
    const button = $('phone-scan');
    busy(button, true);
    phoneError('');
    try {
      await api(`/${state.session}/scan`, phoneSettings());
      scanned();
      $('phone-connect-platform').focus();
    } catch (error) {
      phoneError(error.message);
    } finally {
      busy(button, false);
    }
  });

  $('phone-connect-platform').addEventListener('click', () => {
    state.connectTapped = true;
    renderPhone();
    $('phone-share-chats').focus();
  });

  async function share(shareHistory) {
    const buttons = [$('phone-share-chats'), $('phone-dont-share-chats')];
    for (const button of buttons) busy(button, true);
    phoneError('');
    try {
      const answer = await api(`/${state.session}/share`, { share_history: shareHistory });
      state.fallback = answer.fallback;
      $('es-review-name').textContent = answer.business.name;
      $('es-review-portfolio').textContent = answer.business.portfolio;
      $('es-review-number').textContent = answer.business.display_phone_number;
      $('es-review-timezone').textContent = answer.business.timezone || 'Not set';
      $('es-review-history').textContent = answer.business.share_history
        ? 'Shared (last 180 days)'
        : 'Not shared';
      $('es-include-ids').checked = Boolean(options.includeIds);
      show('REVIEW');
    } catch (error) {
      phoneError(error.message);
    } finally {
      for (const button of buttons) busy(button, false);
    }
  }
  $('phone-share-chats').addEventListener('click', () => share(true));
  $('phone-dont-share-chats').addEventListener('click', () => share(false));

  $('es-finish-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('es-finish');
    busy(button, true);
    try {
      const answer = await api(`/${state.session}/finish`, { include_ids: $('es-include-ids').checked });
      sendFinish(answer);
      $('es-result').textContent = JSON.stringify(
        { session_event: answer.event, code: answer.code },
        null,
        2,
      );
      show('DONE');
    } catch (error) {
      fail(error.message);
    } finally {
      busy(button, false);
    }
  });

  function closeWindow() {
    window.close();
  }
  $('es-close').addEventListener('click', closeWindow);
  $('es-error-close').addEventListener('click', closeWindow);
  $('es-cancel').addEventListener('click', () => {
    sendCancel(state.step);
    closeWindow();
  });

  start();
})();
