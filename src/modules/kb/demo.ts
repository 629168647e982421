import { DateTime } from "luxon";
import type { Ctx } from "../../platform/context";
import { createArticle, saveDraft } from "./articles";
import { createKbCategory, createKbSection, updateHelpCenter } from "./structure";

/**
 * The demo's knowledge base: the questions Lumen Live answers most often
 * (seeds/000, 001, 003: refunds, PDF delivery, transfers, entry, DRM,
 * buffering, regions, cancelling, ad specs), in English and Ukrainian, some
 * in Spanish.
 */
type Text = { title: string; summary: string; body: string };
interface DemoArticle {
  section: string;
  promoted?: boolean;
  /** Months from now until review; negative: already overdue (the stale list). */
  reviewInMonths: number;
  en: Text;
  uk: Text;
  es?: Text;
}

const p = (...paragraphs: string[]) => paragraphs.map((x) => (x.startsWith("<") ? x : `<p>${x}</p>`)).join("\n");
const ul = (...items: string[]) => `<ul>${items.map((i) => `<li>${i}</li>`).join("")}</ul>`;
const ol = (...items: string[]) => `<ol>${items.map((i) => `<li>${i}</li>`).join("")}</ol>`;

const STRUCTURE = {
  "box-office": {
    color: "#9f1239",
    title: { en: "Lumen Live Help", uk: "Довідка Lumen Live", es: "Ayuda de Lumen Live" },
    tagline: { en: "Tickets, refunds and getting in", uk: "Квитки, повернення та вхід на подію", es: "Entradas, reembolsos y acceso" },
    categories: [
      {
        key: "refunds",
        name: { en: "Refunds & changes", uk: "Повернення та зміни", es: "Reembolsos y cambios" },
        sections: [["refund-policy", { en: "Refund policy", uk: "Правила повернення", es: "Política de reembolsos" }]],
      },
      {
        key: "tickets",
        name: { en: "Your tickets", uk: "Ваші квитки", es: "Tus entradas" },
        sections: [
          ["delivery", { en: "Delivery & transfers", uk: "Доставка та передача", es: "Envío y transferencias" }],
          ["at-the-venue", { en: "At the venue", uk: "На місці події", es: "En el recinto" }],
        ],
      },
    ],
  },
  streaming: {
    color: "#1d4ed8",
    title: { en: "Lumen+ Help", uk: "Довідка Lumen+", es: "Ayuda de Lumen+" },
    tagline: {
      en: "Playback, plans and your account",
      uk: "Відтворення, тарифи та обліковий запис",
      es: "Reproducción, planes y tu cuenta",
    },
    categories: [
      {
        key: "playback",
        name: { en: "Playback", uk: "Відтворення", es: "Reproducción" },
        sections: [["playback-problems", { en: "Playback problems", uk: "Проблеми з відтворенням", es: "Problemas de reproducción" }]],
      },
      {
        key: "account",
        name: { en: "Account & plans", uk: "Обліковий запис і тарифи", es: "Cuenta y planes" },
        sections: [["plans", { en: "Plans & availability", uk: "Тарифи та доступність", es: "Planes y disponibilidad" }]],
      },
    ],
  },
  advertisers: {
    color: "#0f766e",
    title: { en: "Lumen Advertiser Help", uk: "Довідка для рекламодавців Lumen", es: "Ayuda para anunciantes de Lumen" },
    tagline: {
      en: "Specs, approvals and reporting",
      uk: "Вимоги, погодження та звітність",
      es: "Especificaciones, aprobaciones e informes",
    },
    categories: [
      {
        key: "creative",
        name: { en: "Creative", uk: "Креативи", es: "Creatividades" },
        sections: [["ad-specs", { en: "Ad specs", uk: "Технічні вимоги", es: "Especificaciones" }]],
      },
    ],
  },
} as const;

const ARTICLES: Record<keyof typeof STRUCTURE, DemoArticle[]> = {
  "box-office": [
    {
      section: "refund-policy",
      promoted: true,
      reviewInMonths: 6,
      en: {
        title: "Refunds when an event is cancelled, postponed or moved",
        summary: "Cancelled events are refunded automatically; postponed ones keep your tickets valid, with 14 days to ask for a refund.",
        body: p(
          "<h2>Cancelled</h2>",
          "If an event is cancelled, you do not need to do anything. We refund the ticket price and booking fees to the card you paid with within 14 days. Delivery and insurance fees are refunded too.",
          "<h2>Postponed or moved</h2>",
          "Your tickets are valid for the new date. If you cannot go, you may ask for a refund within 14 days of the new date being announced: open a request with your order number (it starts with LL-).",
          "<h2>Everything else</h2>",
          "Tickets for events that go ahead are not refundable, but you can transfer them to a friend or resell them at face value through your account.",
        ),
      },
      uk: {
        title: "Повернення коштів, якщо подію скасовано, перенесено або змінено",
        summary: "За скасовані події кошти повертаються автоматично; квитки на перенесені події дійсні, а на повернення є 14 днів.",
        body: p(
          "<h2>Подію скасовано</h2>",
          "Якщо подію скасовано, вам нічого не потрібно робити. Ми повернемо вартість квитків і сервісний збір на картку, якою ви платили, протягом 14 днів.",
          "<h2>Подію перенесено</h2>",
          "Ваші квитки дійсні на нову дату. Якщо ви не можете прийти, попросіть повернення протягом 14 днів після оголошення нової дати: створіть звернення з номером замовлення (починається з LL-).",
          "<h2>Інші випадки</h2>",
          "Квитки на події, що відбуваються, не повертаються, але ви можете передати їх другові або перепродати за номіналом у своєму обліковому записі.",
        ),
      },
      es: {
        title: "Reembolsos si un evento se cancela, se aplaza o cambia de lugar",
        summary: "Los eventos cancelados se reembolsan automáticamente; si se aplazan, tus entradas siguen siendo válidas.",
        body: p(
          "Si un evento se cancela, no tienes que hacer nada: reembolsamos el precio de las entradas y los gastos de gestión en la tarjeta con la que pagaste en un plazo de 14 días.",
          "Si se aplaza, tus entradas valen para la nueva fecha. Si no puedes ir, pide el reembolso en los 14 días siguientes al anuncio con tu número de pedido (empieza por LL-).",
        ),
      },
    },
    {
      section: "delivery",
      promoted: true,
      reviewInMonths: -1,
      en: {
        title: "My PDF tickets never arrived",
        summary: "Check spam, download them again from your account, or ask us to re-send them to another address.",
        body: p(
          "PDF tickets are e-mailed within 15 minutes of payment. If they have not arrived:",
          ol(
            "Search your inbox and spam folder for “Lumen Live” and your order number.",
            "Sign in to your account, open <strong>Orders</strong> and choose <strong>Download tickets</strong>.",
            "Still nothing? Open a request with your order number and we will re-send the PDF, to another address if you like.",
          ),
          "If the event starts within 24 hours, say so in the subject: we answer those first.",
        ),
      },
      uk: {
        title: "Мої PDF-квитки не надійшли",
        summary: "Перевірте «Спам», завантажте квитки знову в обліковому записі або попросіть надіслати їх на іншу адресу.",
        body: p(
          "PDF-квитки надходять на пошту протягом 15 хвилин після оплати. Якщо їх немає:",
          ol(
            "Пошукайте у вхідних і в теці «Спам» за словами «Lumen Live» та номером замовлення.",
            "Увійдіть в обліковий запис, відкрийте <strong>Замовлення</strong> і виберіть <strong>Завантажити квитки</strong>.",
            "Досі нічого? Створіть звернення з номером замовлення, і ми надішлемо PDF повторно, за потреби на іншу адресу.",
          ),
          "Якщо подія починається протягом 24 годин, вкажіть це в темі: такі звернення ми розглядаємо першими.",
        ),
      },
    },
    {
      section: "delivery",
      reviewInMonths: 9,
      en: {
        title: "Transferring tickets to a friend",
        summary: "Send tickets to a friend's e-mail from your account; the old barcodes stop working.",
        body: p(
          "You can transfer tickets up to two hours before doors open.",
          ol(
            "Open <strong>Orders</strong> and choose the event.",
            "Select the tickets and choose <strong>Transfer</strong>.",
            "Enter your friend's name and e-mail address.",
          ),
          "Your friend receives new tickets with new barcodes; yours stop working at once. Transfers cannot be undone, and some promoters do not allow them: the button is then hidden.",
        ),
      },
      uk: {
        title: "Як передати квитки другові",
        summary: "Надішліть квитки на пошту друга з облікового запису; старі штрихкоди перестануть діяти.",
        body: p(
          "Передати квитки можна не пізніше ніж за дві години до відкриття дверей.",
          ol(
            "Відкрийте <strong>Замовлення</strong> і виберіть подію.",
            "Позначте квитки й натисніть <strong>Передати</strong>.",
            "Введіть ім’я та адресу електронної пошти друга.",
          ),
          "Друг отримає нові квитки з новими штрихкодами, а ваші одразу перестануть діяти. Передачу не можна скасувати; деякі організатори її забороняють — тоді кнопки немає.",
        ),
      },
    },
    {
      section: "at-the-venue",
      promoted: true,
      reviewInMonths: 3,
      en: {
        title: "What to do if your ticket won't scan",
        summary: "Turn up the brightness, check the date and venue, then go to the box office window with photo ID.",
        body: p(
          "Most tickets that will not scan are fixed at the gate in a minute:",
          ul(
            "Turn your screen brightness to full and hold the phone flat, 15 cm from the scanner.",
            "Check that the ticket is for today, this venue and this entrance.",
            "If you transferred or resold the ticket, only the newest barcode works.",
          ),
          "Still rejected? Go to the box office window with photo ID and your order number: staff can re-issue a paper ticket on the spot.",
        ),
      },
      uk: {
        title: "Що робити, якщо квиток не сканується",
        summary: "Збільште яскравість, перевірте дату й місце, а потім підійдіть до каси з документом.",
        body: p(
          "Більшість проблем зі скануванням вирішуються біля входу за хвилину:",
          ul(
            "Увімкніть максимальну яскравість екрана й тримайте телефон рівно, за 15 см від сканера.",
            "Перевірте, що квиток на сьогодні, на це місце і цей вхід.",
            "Якщо ви передавали або перепродавали квиток, діє лише найновіший штрихкод.",
          ),
          "Не допомогло? Підійдіть до каси з документом, що посвідчує особу, і номером замовлення: вам видрукують паперовий квиток.",
        ),
      },
      es: {
        title: "Qué hacer si tu entrada no se escanea",
        summary: "Sube el brillo, comprueba la fecha y el recinto, y ve a taquilla con un documento de identidad.",
        body: p(
          "Sube el brillo de la pantalla al máximo y mantén el móvil plano a 15 cm del lector. Comprueba que la entrada sea de hoy y de este recinto.",
          "Si sigue sin funcionar, ve a la taquilla con tu documento y tu número de pedido: te imprimirán una entrada en papel.",
        ),
      },
    },
    {
      section: "at-the-venue",
      reviewInMonths: 12,
      en: {
        title: "Accessibility, wheelchair spaces and companion tickets",
        summary: "Book wheelchair spaces and free companion tickets through the access line; step-free routes at every venue.",
        body: p(
          "Every Lumen Live venue has step-free entrances, accessible toilets and wheelchair spaces with a seat for a companion.",
          "Companion tickets are free for anyone who needs assistance. Book them with your own ticket through the access line, or open a request and tell us what you need; we keep your requirements on file for next time.",
          "Assistance dogs are welcome. Ear defenders and quiet rooms are available at the cloakroom.",
        ),
      },
      uk: {
        title: "Доступність, місця для крісел колісних і квитки для супровідників",
        summary:
          "Місця для крісел колісних і безплатні квитки для супровідників — через лінію доступності; безбар’єрні входи на кожній локації.",
        body: p(
          "На кожній локації Lumen Live є безбар’єрні входи, доступні вбиральні та місця для крісел колісних із місцем для супровідника.",
          "Квиток для супровідника безплатний для кожного, кому потрібна допомога. Забронюйте його разом зі своїм квитком або створіть звернення й розкажіть, що вам потрібно.",
          "Собаки-поводирі — ласкаво просимо. Навушники та тиха кімната є біля гардероба.",
        ),
      },
    },
  ],
  streaming: [
    {
      section: "playback-problems",
      promoted: true,
      reviewInMonths: 4,
      en: {
        title: "Error 3012: this video cannot be played on this device (DRM)",
        summary:
          "Error 3012 means your device failed the DRM check: update the app and system, turn off screen mirroring, and sign in again.",
        body: p(
          "Error 3012 appears when the protected-content check (DRM) fails on your device. It is usually fixed by:",
          ol(
            "Updating the Lumen+ app and your device's system software.",
            "Turning off screen mirroring, screen recording and external displays without HDCP.",
            "Signing out of Lumen+, restarting the device and signing in again.",
          ),
          "Rooted or jail-broken phones and some older smart TVs cannot play protected content. If the error continues, open a request with your device model and the time it happened.",
        ),
      },
      uk: {
        title: "Помилка 3012: відео не можна відтворити на цьому пристрої (DRM)",
        summary:
          "Помилка 3012 означає, що пристрій не пройшов перевірку DRM: оновіть застосунок і систему, вимкніть дублювання екрана та увійдіть знову.",
        body: p(
          "Помилка 3012 з’являється, коли на пристрої не проходить перевірка захищеного контенту (DRM). Зазвичай допомагає:",
          ol(
            "Оновити застосунок Lumen+ і систему пристрою.",
            "Вимкнути дублювання та запис екрана, а також зовнішні дисплеї без HDCP.",
            "Вийти з Lumen+, перезавантажити пристрій і увійти знову.",
          ),
          "Телефони з root-доступом або jailbreak і деякі старі смарт-телевізори не відтворюють захищений контент. Якщо помилка не зникає, створіть звернення з моделлю пристрою та часом, коли вона сталася.",
        ),
      },
      es: {
        title: "Error 3012: este vídeo no se puede reproducir en este dispositivo (DRM)",
        summary:
          "El error 3012 indica que el dispositivo no superó la comprobación DRM: actualiza la app y el sistema y vuelve a iniciar sesión.",
        body: p(
          "Actualiza la app Lumen+ y el sistema, desactiva la duplicación de pantalla y vuelve a iniciar sesión. Si sigue ocurriendo, envíanos el modelo de tu dispositivo.",
        ),
      },
    },
    {
      section: "playback-problems",
      reviewInMonths: 6,
      en: {
        title: "Buffering, freezing or low picture quality",
        summary: "Live streams need 5 Mbit/s for HD and 15 Mbit/s for 4K; restart the router, close other streams, use a cable.",
        body: p(
          "Live concerts need a steady connection: 5 Mbit/s for HD, 15 Mbit/s for 4K.",
          ul(
            "Restart your router and the device.",
            "Pause downloads and other streams at home.",
            "Use a network cable or move closer to the Wi-Fi router.",
            "Lower the quality in <strong>Settings › Playback</strong> for a smoother picture.",
          ),
          "If many viewers see buffering at once, we post it on the status page and in the app.",
        ),
      },
      uk: {
        title: "Буферизація, зависання або низька якість зображення",
        summary: "Для прямих трансляцій потрібно 5 Мбіт/с для HD і 15 Мбіт/с для 4K; перезавантажте роутер і закрийте інші трансляції.",
        body: p(
          "Для концертів наживо потрібне стабільне з’єднання: 5 Мбіт/с для HD і 15 Мбіт/с для 4K.",
          ul(
            "Перезавантажте роутер і пристрій.",
            "Призупиніть завантаження та інші трансляції вдома.",
            "Підключіть кабель або підійдіть ближче до роутера.",
            "Знизьте якість у <strong>Налаштуваннях › Відтворення</strong>.",
          ),
          "Якщо буферизація виникає в багатьох глядачів одночасно, ми повідомляємо про це на сторінці стану та в застосунку.",
        ),
      },
    },
    {
      section: "plans",
      reviewInMonths: -2,
      en: {
        title: "Why is a concert not available in my country?",
        summary: "Rights are sold per country; a concert may be unavailable where you are, even on a paid plan. VPNs are blocked.",
        body: p(
          "We buy the rights to stream each concert country by country. When a concert is not available where you are, it shows “Not available in your region”, whatever your plan.",
          "Your region is the country of your internet connection. VPNs and proxies are blocked, as the rights holders require. Travelling? Your library follows the country you are in.",
        ),
      },
      uk: {
        title: "Чому концерт недоступний у моїй країні?",
        summary: "Права продаються окремо для кожної країни; концерт може бути недоступним навіть на платному тарифі. VPN заблоковано.",
        body: p(
          "Ми купуємо права на трансляцію кожного концерту окремо для кожної країни. Якщо концерт недоступний там, де ви є, ви побачите «Недоступно у вашому регіоні» незалежно від тарифу.",
          "Регіон визначається за країною вашого інтернет-з’єднання. VPN і проксі заблоковано на вимогу правовласників.",
        ),
      },
    },
    {
      section: "plans",
      reviewInMonths: 8,
      en: {
        title: "Cancelling your Lumen+ subscription",
        summary: "Cancel any time in Account › Subscription; you keep access until the end of the period you paid for.",
        body: p(
          ol(
            "Sign in on the web and open <strong>Account › Subscription</strong>.",
            "Choose <strong>Cancel subscription</strong> and confirm.",
          ),
          "You keep access until the end of the period you have paid for, and we send a confirmation e-mail. Subscribed through Apple or Google? Cancel in their subscription settings; we cannot do it for you.",
        ),
      },
      uk: {
        title: "Як скасувати підписку Lumen+",
        summary: "Скасуйте будь-коли в розділі «Обліковий запис › Підписка»; доступ залишиться до кінця оплаченого періоду.",
        body: p(
          ol(
            "Увійдіть на сайті й відкрийте <strong>Обліковий запис › Підписка</strong>.",
            "Натисніть <strong>Скасувати підписку</strong> і підтвердьте.",
          ),
          "Доступ залишиться до кінця оплаченого періоду, а ми надішлемо лист-підтвердження. Оформили підписку через Apple або Google? Скасуйте її в їхніх налаштуваннях.",
        ),
      },
    },
  ],
  advertisers: [
    {
      section: "ad-specs",
      promoted: true,
      reviewInMonths: 5,
      en: {
        title: "Ad specs: display, mobile, video and audio",
        summary: "Sizes, file types and weights for every format, and how long approval takes.",
        body: p(
          "<table><thead><tr><th>Format</th><th>Size</th><th>Files</th><th>Max weight</th></tr></thead><tbody>" +
            "<tr><td>Display</td><td>300×250, 728×90</td><td>JPG, PNG, GIF, HTML5</td><td>150 KB</td></tr>" +
            "<tr><td>Mobile</td><td>320×50</td><td>JPG, PNG</td><td>50 KB</td></tr>" +
            "<tr><td>Video pre-roll</td><td>16:9, 1920×1080</td><td>MP4 (H.264)</td><td>15 s or 30 s, 50 MB</td></tr>" +
            "<tr><td>Audio spot</td><td>—</td><td>MP3 320 kbit/s</td><td>30 s</td></tr></tbody></table>",
          "Submit creative at least three working days before the flight starts through <strong>Submit a request</strong>. Ad operations review it against these specs and approve it or ask for changes; you can follow each step on the request.",
        ),
      },
      uk: {
        title: "Технічні вимоги: банери, мобільна реклама, відео та аудіо",
        summary: "Розміри, типи файлів і вага для кожного формату та строки погодження.",
        body: p(
          "<table><thead><tr><th>Формат</th><th>Розмір</th><th>Файли</th><th>Макс. вага</th></tr></thead><tbody>" +
            "<tr><td>Банер</td><td>300×250, 728×90</td><td>JPG, PNG, GIF, HTML5</td><td>150 КБ</td></tr>" +
            "<tr><td>Мобільний</td><td>320×50</td><td>JPG, PNG</td><td>50 КБ</td></tr>" +
            "<tr><td>Відео pre-roll</td><td>16:9, 1920×1080</td><td>MP4 (H.264)</td><td>15 або 30 с, 50 МБ</td></tr>" +
            "<tr><td>Аудіоролик</td><td>—</td><td>MP3 320 кбіт/с</td><td>30 с</td></tr></tbody></table>",
          "Надсилайте креативи щонайменше за три робочі дні до старту кампанії через <strong>Надіслати звернення</strong>. Команда рекламних операцій перевірить їх і погодить або попросить змін.",
        ),
      },
    },
  ],
};

export async function seedKnowledgeBase(ctx: Ctx, deskIds: Record<keyof typeof STRUCTURE, string>, now: Date): Promise<number> {
  let count = 0;
  for (const [deskKey, spec] of Object.entries(STRUCTURE) as [keyof typeof STRUCTURE, (typeof STRUCTURE)[keyof typeof STRUCTURE]][]) {
    const deskId = deskIds[deskKey];
    await updateHelpCenter(ctx, deskId, {
      locales: ["en", "uk", "es"],
      color: spec.color,
      title: { ...spec.title },
      tagline: { ...spec.tagline },
    });
    const sections = new Map<string, string>();
    for (const [position, category] of spec.categories.entries()) {
      const row = await createKbCategory(ctx, deskId, { key: category.key, name: { ...category.name }, position });
      for (const [i, [key, name]] of category.sections.entries())
        sections.set(key, (await createKbSection(ctx, { categoryId: row.id, key, name: { ...name }, position: i })).id);
    }
    for (const a of ARTICLES[deskKey]) {
      const reviewBy = DateTime.fromJSDate(now).plus({ months: a.reviewInMonths }).toISODate();
      const article = await createArticle(ctx, {
        deskId,
        locale: "en",
        sectionId: sections.get(a.section) ?? null,
        reviewBy,
        promoted: a.promoted ?? false,
        publish: true,
        title: a.en.title,
        summary: a.en.summary,
        bodyHtml: a.en.body,
      });
      await saveDraft(ctx, article.id, "uk", { title: a.uk.title, summary: a.uk.summary, bodyHtml: a.uk.body, publish: true });
      if (a.es) await saveDraft(ctx, article.id, "es", { title: a.es.title, summary: a.es.summary, bodyHtml: a.es.body, publish: true });
      count++;
    }
  }
  return count;
}
