// The staff dashboard's script, inlined into /dashboard by dashboard.page.ts. Plain browser JavaScript: it
// signs in and reads reports through this BFF's /graphql by operation name, as every client does, and keeps
// the access token in memory only (a reload signs in again). Money arrives as integer minor units.
(() => {
  const $ = (id) => document.getElementById(id);
  let token = null;
  let last = null;

  async function call(operationName, variables) {
    const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ operationName, variables }) });
    const body = await res.json();
    if (body.errors?.length) throw new Error(`${body.errors[0].extensions?.code ?? res.status}: ${body.errors[0].message}`);
    return body.data;
  }

  const digits = (currency) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  const major = (m) => m.amount / 10 ** digits(m.currency);
  const money = (m) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: m.currency }).format(major(m));
  const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const cell = (tag, text) => {
    const el = document.createElement(tag);
    el.textContent = text;
    return el;
  };
  const row = (cells, tag = 'td') => {
    const tr = document.createElement('tr');
    for (const c of cells) tr.append(cell(tag, c));
    return tr;
  };
  const say = (text) => {
    $('status').textContent = text;
  };

  /** Sums the reporting figures of each channel over the report's periods. */
  function byChannel(report) {
    const sums = new Map();
    for (const r of report.rows) {
      const s = sums.get(r.channel) ?? { orders: 0, units: 0, total: 0, net: 0 };
      s.orders += r.reporting.orders;
      s.units += r.reporting.units;
      s.total += r.reporting.total.amount;
      s.net += r.reporting.netRevenue.amount;
      sums.set(r.channel, s);
    }
    return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  function chart(target, title, report, value) {
    target.replaceChildren();
    const periods = [...new Set(report.rows.map((r) => r.periodStart))].sort();
    const channels = [...new Set(report.rows.map((r) => r.channel))].sort();
    const xs = periods.map((p) => Date.parse(`${p}T00:00:00Z`) / 1000);
    const series = channels.map((c) => periods.map((p) => report.rows.find((r) => r.channel === c && r.periodStart === p)).map((r) => (r ? value(r) : 0)));
    const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
    // uPlot is the inlined library's global.
    new window.uPlot(
      {
        title,
        width: Math.max(320, target.clientWidth),
        height: 260,
        series: [{}, ...channels.map((c, i) => ({ label: c, stroke: palette[i % palette.length], width: 2 }))],
        axes: [{}, { size: 60, values: (_u, ticks) => ticks.map((v) => new Intl.NumberFormat('en', { notation: 'compact' }).format(v)) }],
      },
      [xs, ...series],
      target,
    );
  }

  function render(report, top) {
    last = { report, top };
    const t = report.totals;
    $('cards').replaceChildren(
      ...[
        ['Orders', String(t.orders)],
        ['Net revenue', money(t.netRevenue)],
        ['Net profit', money(t.netProfit)],
        ['Average order', money(t.averageOrderValue)],
        ['Cancelled', String(t.cancelledOrders)],
      ].map(([label, value]) => {
        const card = cell('div', '');
        card.className = 'card';
        card.append(cell('span', label), cell('strong', value));
        return card;
      }),
    );
    const cur = report.reportingCurrency;
    $('channels').replaceChildren(
      row(['Channel', 'Orders', 'Units', `Total (${cur})`, `Net revenue (${cur})`], 'th'),
      ...byChannel(report).map(([c, s]) =>
        row([c, String(s.orders), String(s.units), money({ amount: s.total, currency: cur }), money({ amount: s.net, currency: cur })]),
      ),
    );
    $('top').replaceChildren(
      row(['SKU', 'Units', 'Orders', `Sales (${cur})`], 'th'),
      ...top.map((p) => row([p.sku, String(p.units), String(p.orders), money(p.sales)])),
    );
    chart($('revenue'), `Net revenue per channel (${cur})`, report, (r) => major(r.reporting.netRevenue));
    chart($('orders'), 'Orders per channel', report, (r) => r.reporting.orders);
    say(`${report.rows.length} rows from ${report.from} to ${report.to}`);
  }

  async function load() {
    const input = { from: $('from').value, to: $('to').value, period: $('period').value, byChannel: true };
    say('loading…');
    try {
      const [r, t] = await Promise.all([call('SalesReport', { input }), call('TopProducts', { input: { from: input.from, to: input.to }, first: 10 })]);
      render(r.salesReport, t.topProducts);
    } catch (err) {
      say(err.message);
    }
  }

  function download(name, lines) {
    const csv = lines.map((l) => l.map((v) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v))).join(',')).join('\n');
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([`${csv}\n`], { type: 'text/csv' }));
    a.download = name;
    a.click();
  }

  /** Every figure as integer minor units with its currency: a spreadsheet formats them, nothing is rounded twice. */
  function salesCsv() {
    const f = ['orders', 'cancelledOrders', 'units'];
    const m = ['gross', 'discounts', 'shipping', 'tax', 'refunds', 'total', 'netRevenue'];
    const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const head = ['period_start', 'channel', 'currency', ...[...f, ...m].map(snake), 'reporting_currency', 'reporting_total', 'reporting_net_revenue'];
    const rows = last.report.rows.map((r) => [
      r.periodStart,
      r.channel ?? '',
      r.figures?.total.currency ?? '',
      ...f.map((k) => r.figures?.[k] ?? ''),
      ...m.map((k) => r.figures?.[k].amount ?? ''),
      last.report.reportingCurrency,
      r.reporting.total.amount,
      r.reporting.netRevenue.amount,
    ]);
    download(`sales-${last.report.from}-${last.report.to}.csv`, [head, ...rows]);
  }

  $('from').value = day(-90);
  $('to').value = day(1);
  $('signin').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const data = await call('StaffSignIn', { input: { email: $('email').value, password: $('password').value, totpCode: $('totp').value || null } });
      const session = data.staffSignIn;
      if (session.__typename !== 'StaffAuthSession') return say(session.message);
      token = session.accessToken;
      $('password').value = '';
      $('who').textContent = `${session.staff.name} · ${session.staff.channels.join(', ')}`;
      $('signin').hidden = true;
      $('board').hidden = false;
      await load();
    } catch (err) {
      say(err.message);
    }
  });
  $('range').addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  $('csv-sales').addEventListener('click', () => last && salesCsv());
  $('csv-top').addEventListener('click', () => {
    if (!last) return;
    download(`top-products-${last.report.from}-${last.report.to}.csv`, [
      ['variant_id', 'sku', 'units', 'orders', 'sales', 'currency'],
      ...last.top.map((p) => [p.variantId, p.sku, p.units, p.orders, p.sales.amount, p.sales.currency]),
    ]);
  });
})();
