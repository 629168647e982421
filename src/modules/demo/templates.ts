import type { Channel, Priority } from "../tickets/schema";

/**
 * What fans, subscribers and advertisers write about, in English, Ukrainian
 * and Spanish. Placeholders in {braces} are filled from the generated world
 * (events, venues, orders, plans, campaigns).
 */
export type Lang = "en" | "uk" | "es";

export interface Conversation {
  subject: string;
  body: string;
  reply: string;
  followUp?: string;
}

export interface Template {
  desk: "box-office" | "streaming" | "advertisers";
  category: string;
  channels: Channel[];
  priority: Priority;
  tags: string[];
  tier?: number;
  /** Time-critical on the day of the event (door problems). */
  eventDay?: boolean;
  text: Record<Lang, Conversation>;
}

export const templates: Template[] = [
  // ------------------------------------------------------------ box office
  {
    desk: "box-office",
    category: "ticket-wont-scan",
    channels: ["chat", "phone", "sms", "whatsapp"],
    priority: "urgent",
    tags: ["door", "scan"],
    eventDay: true,
    text: {
      en: {
        subject: "Ticket won't scan at the door – {event}",
        body: "Hi, I'm at the {venue} entrance right now and my ticket for {event} won't scan. The steward says the barcode is invalid. Order {order}, {section} seat {seat}. The show starts in 20 minutes, please help!",
        reply:
          "Hi {name}, I'm sorry about the wait. Your admission for order {order} was reissued after a transfer, so the old barcode stopped working. I've re-sent the valid ticket to your e-mail and told the door team at {venue} – please show the new QR code at gate B.",
        followUp: "Got it, we're in. Thanks for the quick help!",
      },
      uk: {
        subject: "Квиток не сканується на вході – {event}",
        body: "Добрий вечір! Я стою біля входу в {venue}, і мій квиток на {event} не сканується – контролер каже, що штрихкод недійсний. Замовлення {order}, {section}, місце {seat}. Концерт починається за 20 хвилин, допоможіть, будь ласка!",
        reply:
          "Вітаю, {name}! Перепрошую за незручності. Квиток із замовлення {order} перевипустили після передачі, тому старий штрихкод більше не діє. Я надіслав(-ла) дійсний квиток на вашу пошту й попередив(-ла) контроль у {venue} – покажіть новий QR-код біля входу B.",
        followUp: "Усе, ми вже всередині. Дякую за швидку допомогу!",
      },
      es: {
        subject: "Mi entrada no se escanea en la puerta – {event}",
        body: "Hola, estoy ahora mismo en la entrada de {venue} y mi entrada para {event} no se escanea. El personal dice que el código de barras no es válido. Pedido {order}, {section}, asiento {seat}. ¡El concierto empieza en 20 minutos, ayuda por favor!",
        reply:
          "Hola {name}, disculpa la espera. La entrada del pedido {order} se volvió a emitir tras una transferencia, así que el código anterior dejó de funcionar. Te he reenviado la entrada válida por correo y he avisado al equipo de acceso de {venue}: enseña el nuevo código QR en la puerta B.",
        followUp: "Perfecto, ya estamos dentro. ¡Gracias por la rapidez!",
      },
    },
  },
  {
    desk: "box-office",
    category: "pdf-reissue",
    channels: ["email", "chat", "portal"],
    priority: "normal",
    tags: ["pdf", "delivery"],
    text: {
      en: {
        subject: "Never received my tickets for {event}",
        body: "Hello, I bought two tickets for {event} at {venue} on {date} (order {order}) but the confirmation e-mail never arrived and there's nothing in spam either. Can you send the PDF again?",
        reply:
          "Hi {name}, thanks for your patience. I've reissued the PDF tickets for order {order} and sent them to the address on your account. You can also download them any time from 'My orders' in the help center.",
        followUp: "Received them now, thank you.",
      },
      uk: {
        subject: "Не отримав(-ла) квитки на {event}",
        body: "Добрий день! Я купив(-ла) два квитки на {event} у {venue} на {date} (замовлення {order}), але лист із підтвердженням так і не прийшов, у спамі теж порожньо. Можете надіслати PDF ще раз?",
        reply:
          "Вітаю, {name}! Дякую за терпіння. Я перевипустив(-ла) PDF-квитки за замовленням {order} і надіслав(-ла) їх на адресу з вашого профілю. Їх також завжди можна завантажити в розділі «Мої замовлення».",
        followUp: "Отримав(-ла), дякую.",
      },
      es: {
        subject: "No he recibido mis entradas para {event}",
        body: "Hola, compré dos entradas para {event} en {venue} el {date} (pedido {order}) pero nunca llegó el correo de confirmación y tampoco está en spam. ¿Podéis enviarme el PDF otra vez?",
        reply:
          "Hola {name}, gracias por tu paciencia. He vuelto a emitir las entradas en PDF del pedido {order} y las he enviado a la dirección de tu cuenta. También puedes descargarlas cuando quieras desde «Mis pedidos».",
        followUp: "Ya las tengo, gracias.",
      },
    },
  },
  {
    desk: "box-office",
    category: "refund-request",
    channels: ["email", "portal", "chat"],
    priority: "normal",
    tags: ["refund"],
    text: {
      en: {
        subject: "Refund request – order {order}",
        body: "Hi, I can no longer attend {event} on {date} because of a family emergency. I bought the tickets last week. Is it possible to get a refund for order {order} ({amount})?",
        reply:
          "Hi {name}, I'm sorry to hear that. Your order {order} is within the 14-day refund window, so I've refunded {amount} minus the non-refundable booking fee to your original payment method. It usually arrives within 3–7 business days.",
      },
      uk: {
        subject: "Повернення коштів – замовлення {order}",
        body: "Добрий день! Через сімейні обставини я не зможу відвідати {event} {date}. Квитки купував(-ла) минулого тижня. Чи можна повернути кошти за замовлення {order} ({amount})?",
        reply:
          "Вітаю, {name}! Співчуваю. Замовлення {order} ще в межах 14-денного терміну повернення, тож я повернув(-ла) {amount} за вирахуванням сервісного збору на вашу картку. Кошти зазвичай надходять за 3–7 робочих днів.",
      },
      es: {
        subject: "Solicitud de reembolso – pedido {order}",
        body: "Hola, por una urgencia familiar ya no puedo asistir a {event} el {date}. Compré las entradas la semana pasada. ¿Es posible el reembolso del pedido {order} ({amount})?",
        reply:
          "Hola {name}, lamento lo ocurrido. Tu pedido {order} está dentro del plazo de 14 días, así que he reembolsado {amount} menos la comisión de gestión no reembolsable a tu método de pago original. Suele llegar en 3–7 días hábiles.",
      },
    },
  },
  {
    desk: "box-office",
    category: "event-cancelled",
    channels: ["email", "social", "sms", "chat"],
    priority: "high",
    tags: ["cancellation", "refund"],
    text: {
      en: {
        subject: "{event} cancelled – what happens to my tickets?",
        body: "I just saw on Instagram that {event} at {venue} has been cancelled. I have four tickets (order {order}). Do I need to do anything to get my money back, and are the fees refunded too?",
        reply:
          "Hi {name}, yes, {event} was cancelled by the promoter and we're very sorry. Cancelled events are refunded in full, fees included – you don't need to do anything. Your refund of {amount} for order {order} has been started and should arrive within 5 business days.",
      },
      uk: {
        subject: "{event} скасовано – що з моїми квитками?",
        body: "Щойно побачив(-ла) в Instagram, що {event} у {venue} скасували. У мене чотири квитки (замовлення {order}). Чи треба щось робити, щоб повернути гроші, і чи повернуть також збори?",
        reply:
          "Вітаю, {name}! Так, організатор скасував {event}, нам дуже прикро. За скасовані події ми повертаємо всю суму разом зі зборами – нічого робити не потрібно. Повернення {amount} за замовлення {order} уже ініційоване й надійде протягом 5 робочих днів.",
      },
      es: {
        subject: "{event} cancelado – ¿qué pasa con mis entradas?",
        body: "Acabo de ver en Instagram que han cancelado {event} en {venue}. Tengo cuatro entradas (pedido {order}). ¿Tengo que hacer algo para recuperar el dinero? ¿Se devuelven también las comisiones?",
        reply:
          "Hola {name}, sí, el promotor ha cancelado {event} y lo sentimos mucho. Los eventos cancelados se reembolsan íntegramente, comisiones incluidas, sin que tengas que hacer nada. El reembolso de {amount} del pedido {order} ya está en marcha y llegará en 5 días hábiles.",
      },
    },
  },
  {
    desk: "box-office",
    category: "event-postponed",
    channels: ["email", "chat", "whatsapp"],
    priority: "normal",
    tags: ["postponed", "exchange"],
    text: {
      en: {
        subject: "{event} moved to a new date – can I swap?",
        body: "Hello, {event} has been postponed and the new date doesn't work for me. Can I exchange my tickets (order {order}) for another night of the tour, or get a refund instead?",
        reply:
          "Hi {name}, thanks for getting in touch. For postponed shows you can keep your tickets, exchange them for another date, or ask for a refund within 30 days of the announcement. I've held two seats in {section} for the alternative date – reply 'yes' and I'll swap order {order}.",
        followUp: "Yes please, the alternative date is perfect.",
      },
      uk: {
        subject: "{event} перенесли – чи можна обміняти?",
        body: "Добрий день! {event} перенесли, і нова дата мені не підходить. Чи можна обміняти квитки (замовлення {order}) на інший концерт туру або повернути кошти?",
        reply:
          "Вітаю, {name}! На перенесені події можна залишити квитки, обміняти їх на іншу дату або повернути кошти протягом 30 днів від оголошення. Я притримав(-ла) два місця в секторі {section} на іншу дату – відповідайте «так», і я оформлю обмін замовлення {order}.",
        followUp: "Так, будь ласка, інша дата ідеально підходить.",
      },
      es: {
        subject: "{event} cambia de fecha – ¿puedo cambiar mis entradas?",
        body: "Hola, han aplazado {event} y la nueva fecha no me viene bien. ¿Puedo cambiar mis entradas (pedido {order}) por otra noche de la gira o pedir el reembolso?",
        reply:
          "Hola {name}, gracias por escribir. En los eventos aplazados puedes conservar las entradas, cambiarlas por otra fecha o pedir el reembolso en los 30 días siguientes al anuncio. Te he reservado dos asientos en {section} para la otra fecha: responde «sí» y cambio el pedido {order}.",
        followUp: "Sí, por favor, la otra fecha me va perfecta.",
      },
    },
  },
  {
    desk: "box-office",
    category: "charged-twice",
    channels: ["email", "phone", "chat"],
    priority: "high",
    tags: ["billing", "double-charge"],
    tier: 2,
    text: {
      en: {
        subject: "Charged twice for the same order",
        body: "My card was charged twice for order {order} ({amount} each). The checkout page froze, I refreshed and it went through again, but I only got one confirmation. Please refund the duplicate.",
        reply:
          "Hi {name}, I can see two payments for order {order}; the second one was a duplicate authorisation from the page refresh. I've voided it – depending on your bank it will disappear from your statement within 3–5 business days.",
      },
      uk: {
        subject: "З мене двічі списали кошти за одне замовлення",
        body: "З моєї картки двічі списали {amount} за замовлення {order}. Сторінка оплати зависла, я її оновив(-ла), і платіж пройшов ще раз, хоча підтвердження прийшло одне. Поверніть, будь ласка, зайвий платіж.",
        reply:
          "Вітаю, {name}! Бачу два платежі за замовленням {order}; другий – дублікат авторизації після оновлення сторінки. Я його скасував(-ла) – залежно від банку він зникне з виписки за 3–5 робочих днів.",
      },
      es: {
        subject: "Me habéis cobrado dos veces el mismo pedido",
        body: "Me han cargado dos veces {amount} por el pedido {order}. La página de pago se quedó colgada, recargué y se volvió a cobrar, pero solo recibí una confirmación. Por favor, devolvedme el cargo duplicado.",
        reply:
          "Hola {name}, veo dos cobros del pedido {order}; el segundo fue una autorización duplicada al recargar la página. Lo he anulado: según tu banco desaparecerá del extracto en 3–5 días hábiles.",
      },
    },
  },
  {
    desk: "box-office",
    category: "accessibility",
    channels: ["email", "phone"],
    priority: "normal",
    tags: ["accessibility"],
    text: {
      en: {
        subject: "Wheelchair space for {event}",
        body: "Hi, I use a wheelchair and would like to attend {event} at {venue} on {date} with a companion. Are there accessible spaces left, and does my companion need a separate ticket?",
        reply:
          "Hi {name}, thanks for asking in advance. There are accessible platform spaces left for {event}; your companion goes free with a valid access card. I've reserved a space for you both under order {order} – the step-free entrance is on the river side.",
      },
      uk: {
        subject: "Місце для візка на {event}",
        body: "Добрий день! Я пересуваюся на візку й хочу відвідати {event} у {venue} {date} разом із супроводжувачем. Чи є ще доступні місця і чи потрібен окремий квиток для супроводжувача?",
        reply:
          "Вітаю, {name}! Дякую, що написали заздалегідь. Доступні місця на {event} ще є; супроводжувач проходить безкоштовно за наявності посвідчення. Я забронював(-ла) місця для вас обох у замовленні {order} – вхід без сходинок розташований з боку річки.",
      },
      es: {
        subject: "Espacio para silla de ruedas en {event}",
        body: "Hola, voy en silla de ruedas y me gustaría ir a {event} en {venue} el {date} con un acompañante. ¿Quedan espacios accesibles? ¿Mi acompañante necesita otra entrada?",
        reply:
          "Hola {name}, gracias por avisar con antelación. Quedan espacios accesibles para {event} y tu acompañante entra gratis con la tarjeta de accesibilidad. Os he reservado sitio en el pedido {order}; la entrada sin escalones está en el lado del río.",
      },
    },
  },
  {
    desk: "box-office",
    category: "ticket-transfer",
    channels: ["email", "in_app", "chat"],
    priority: "low",
    tags: ["transfer"],
    text: {
      en: {
        subject: "How do I transfer a ticket to my friend?",
        body: "I bought two tickets for {event} (order {order}) and my friend can't come with me, so I'd like to give her ticket to someone else. How do I transfer it to another name?",
        reply:
          "Hi {name}, you can transfer any ticket from 'My orders' → {event} → Transfer, up to 2 hours before doors. The new holder gets a fresh barcode and the old one stops working. I've sent you the step-by-step guide.",
      },
      uk: {
        subject: "Як передати квиток другові?",
        body: "Я купив(-ла) два квитки на {event} (замовлення {order}), але подруга не зможе піти, тому хочу віддати її квиток іншій людині. Як переоформити квиток на інше ім'я?",
        reply:
          "Вітаю, {name}! Передати квиток можна в розділі «Мої замовлення» → {event} → «Передати» не пізніше ніж за 2 години до відкриття дверей. Новий власник отримає новий штрихкод, а старий перестане діяти. Надіслав(-ла) вам покрокову інструкцію.",
      },
      es: {
        subject: "¿Cómo transfiero una entrada a un amigo?",
        body: "Compré dos entradas para {event} (pedido {order}) y mi amiga no puede venir, así que quiero darle su entrada a otra persona. ¿Cómo la pongo a otro nombre?",
        reply:
          "Hola {name}, puedes transferir cualquier entrada desde «Mis pedidos» → {event} → Transferir, hasta 2 horas antes de abrir puertas. La nueva persona recibe un código nuevo y el anterior deja de funcionar. Te he enviado la guía paso a paso.",
      },
    },
  },
  {
    desk: "box-office",
    category: "artist-inquiry",
    channels: ["email", "social"],
    priority: "low",
    tags: ["artist", "pr"],
    text: {
      en: {
        subject: "Meet & greet with {artist}?",
        body: "Hi! Is there any meet & greet or soundcheck package for {artist} at {venue}? My daughter is their biggest fan and it's her 16th birthday that week.",
        reply:
          "Hi {name}, what a lovely idea! Meet & greet packages for {artist} are handled by the artist's management; I've passed your request to our PR team, who will let you know by Friday if anything is available.",
      },
      uk: {
        subject: "Зустріч з {artist}?",
        body: "Вітаю! Чи буде meet & greet або пакет із саундчеком для {artist} у {venue}? Моя донька – їхня найбільша фанатка, і саме того тижня їй виповнюється 16.",
        reply:
          "Вітаю, {name}! Чудова ідея. Пакетами meet & greet для {artist} займається менеджмент артиста; я передав(-ла) ваш запит нашій PR-команді, вони повідомлять до п'ятниці, чи є можливість.",
      },
      es: {
        subject: "¿Meet & greet con {artist}?",
        body: "¡Hola! ¿Hay algún meet & greet o paquete de prueba de sonido con {artist} en {venue}? Mi hija es su mayor fan y cumple 16 años esa semana.",
        reply:
          "Hola {name}, ¡qué idea tan bonita! Los meet & greet de {artist} los gestiona su management; he pasado tu petición a nuestro equipo de prensa y te dirán antes del viernes si hay disponibilidad.",
      },
    },
  },
  {
    desk: "box-office",
    category: "venue-sales-down",
    channels: ["phone", "email"],
    priority: "urgent",
    tags: ["box-office-down", "venue"],
    tier: 2,
    eventDay: true,
    text: {
      en: {
        subject: "URGENT: {venue} box office cannot process sales",
        body: "This is the duty manager at {venue}. Since 18:10 our box office terminals show 'payment gateway unavailable' and we cannot sell any tickets for tonight's {event}. Doors open in 40 minutes and there is a queue outside.",
        reply:
          "Thanks for calling it in. Tier 2 has confirmed a certificate problem on the venue's payment terminal profile and pushed a fix; please restart the two terminals at the window. I'll stay on this ticket until you confirm sales are going through.",
        followUp: "Terminals restarted, sales are working again. Thanks.",
      },
      uk: {
        subject: "ТЕРМІНОВО: каса {venue} не може продавати квитки",
        body: "Це черговий менеджер {venue}. З 18:10 термінали каси показують «платіжний шлюз недоступний», і ми не можемо продати жодного квитка на сьогоднішній {event}. Двері відкриваються за 40 хвилин, на вулиці черга.",
        reply:
          "Дякую, що повідомили. Друга лінія підтвердила проблему із сертифікатом у профілі платіжного терміналу й розгорнула виправлення; перезапустіть, будь ласка, обидва термінали каси. Я стежу за цим тікетом, доки ви не підтвердите, що продажі йдуть.",
        followUp: "Термінали перезапустили, продажі відновилися. Дякуємо.",
      },
      es: {
        subject: "URGENTE: la taquilla de {venue} no puede vender",
        body: "Soy el responsable de turno de {venue}. Desde las 18:10 los terminales de taquilla muestran «pasarela de pago no disponible» y no podemos vender entradas para {event} de esta noche. Abrimos puertas en 40 minutos y hay cola fuera.",
        reply:
          "Gracias por avisar. El nivel 2 ha confirmado un problema de certificado en el perfil del terminal de pago y ha aplicado una corrección; reiniciad los dos terminales de taquilla, por favor. Sigo en este ticket hasta que confirméis que las ventas funcionan.",
        followUp: "Terminales reiniciados, ya vendemos con normalidad. Gracias.",
      },
    },
  },
  {
    desk: "box-office",
    category: "payment-failed",
    channels: ["chat", "email"],
    priority: "normal",
    tags: ["payment"],
    text: {
      en: {
        subject: "Payment declined but seats disappeared",
        body: "I tried to buy {section} seats for {event} and my payment was declined, but now the seats show as sold. Was I charged? My bank shows a pending {amount}.",
        reply:
          "Hi {name}, the payment didn't complete, so you weren't charged – the pending {amount} is only an authorisation and will drop off within a few days. The seats were held for 10 minutes and are back on sale now; would you like me to send you a link to book them again?",
      },
      uk: {
        subject: "Оплату відхилено, а місця зникли",
        body: "Я намагався(-лася) купити місця в секторі {section} на {event}, оплату відхилили, а тепер місця показуються як продані. З мене списали гроші? У банку висить {amount} в очікуванні.",
        reply:
          "Вітаю, {name}! Оплата не завершилася, тож коштів не списано – {amount} у статусі очікування лише авторизація, вона зникне за кілька днів. Місця тримали 10 хвилин, тепер вони знову в продажу; надіслати посилання, щоб забронювати їх ще раз?",
      },
      es: {
        subject: "Pago rechazado pero los asientos han desaparecido",
        body: "Intenté comprar asientos en {section} para {event}, el pago fue rechazado y ahora los asientos aparecen vendidos. ¿Me habéis cobrado? El banco muestra {amount} pendiente.",
        reply:
          "Hola {name}, el pago no se completó, así que no se te ha cobrado: los {amount} pendientes son solo una autorización y desaparecerán en unos días. Los asientos estuvieron retenidos 10 minutos y vuelven a estar a la venta; ¿te envío un enlace para reservarlos de nuevo?",
      },
    },
  },
  // ------------------------------------------------------------ streaming
  {
    desk: "streaming",
    category: "buffering",
    channels: ["in_app", "chat", "social"],
    priority: "high",
    tags: ["playback", "live"],
    text: {
      en: {
        subject: "Stream keeps freezing during {event} livestream",
        body: "The {event} livestream freezes every couple of minutes on my {device}. Other sites play fine on the same Wi-Fi (200 Mbps). I paid for the pay-per-view and I'm missing the encore!",
        reply:
          "Hi {name}, I'm really sorry. We saw packet loss on one CDN edge during the encore and moved viewers to another one at 21:42. If it froze for you after that, please update the app to the latest version. As an apology I've added 48 hours of replay access to your account.",
        followUp: "Replay works perfectly, thanks for the extra time.",
      },
      uk: {
        subject: "Трансляція {event} постійно зависає",
        body: "Пряма трансляція {event} зависає кожні кілька хвилин на моєму {device}. Інші сайти на тому ж Wi-Fi (200 Мбіт/с) працюють нормально. Я заплатив(-ла) за перегляд і пропускаю біс!",
        reply:
          "Вітаю, {name}! Дуже перепрошуємо. Під час біса на одному з вузлів CDN були втрати пакетів, о 21:42 ми перевели глядачів на інший. Якщо після цього теж зависало, оновіть, будь ласка, застосунок. На знак вибачення я додав(-ла) 48 годин доступу до запису.",
        followUp: "Запис працює ідеально, дякую за додатковий час.",
      },
      es: {
        subject: "El directo de {event} se congela constantemente",
        body: "El directo de {event} se congela cada pocos minutos en mi {device}. Otras webs van bien con el mismo wifi (200 Mbps). ¡He pagado el pay-per-view y me estoy perdiendo el bis!",
        reply:
          "Hola {name}, lo sentimos mucho. Hubo pérdida de paquetes en un nodo de la CDN durante el bis y a las 21:42 movimos a los espectadores a otro. Si se te congeló después, actualiza la app a la última versión. Como disculpa he añadido 48 horas de acceso a la repetición.",
        followUp: "La repetición va perfecta, gracias por el tiempo extra.",
      },
    },
  },
  {
    desk: "streaming",
    category: "drm-error",
    channels: ["in_app", "email"],
    priority: "normal",
    tags: ["drm", "device"],
    text: {
      en: {
        subject: "Error 3012 'content protection' on {device}",
        body: "Every film I try to play on my {device} shows 'Error 3012: this content is protected and can't be played on this device'. It worked until yesterday.",
        reply:
          "Hi {name}, error 3012 means the device's DRM certificate needs refreshing, which happens after some system updates. Please sign out of the app, restart the {device}, and sign in again. Here is our step-by-step guide in case it persists.",
      },
      uk: {
        subject: "Помилка 3012 «захист вмісту» на {device}",
        body: "Кожен фільм на моєму {device} показує «Помилка 3012: цей вміст захищено й не може відтворюватися на цьому пристрої». До вчора все працювало.",
        reply:
          "Вітаю, {name}! Помилка 3012 означає, що треба оновити DRM-сертифікат пристрою – так буває після деяких оновлень системи. Вийдіть із застосунку, перезапустіть {device} і увійдіть знову. Ось покрокова інструкція, якщо помилка повториться.",
      },
      es: {
        subject: "Error 3012 «protección de contenido» en {device}",
        body: "Todas las películas que intento ver en mi {device} muestran «Error 3012: este contenido está protegido y no se puede reproducir en este dispositivo». Funcionaba hasta ayer.",
        reply:
          "Hola {name}, el error 3012 indica que hay que renovar el certificado DRM del dispositivo, algo que ocurre tras algunas actualizaciones del sistema. Cierra sesión en la app, reinicia el {device} y vuelve a entrar. Te dejo la guía paso a paso por si persiste.",
      },
    },
  },
  {
    desk: "streaming",
    category: "renewal-charged-twice",
    channels: ["email", "in_app", "chat"],
    priority: "high",
    tags: ["billing", "renewal", "double-charge"],
    text: {
      en: {
        subject: "Renewal charged twice this month",
        body: "My {plan} subscription renewed twice this month – two charges of {amount} on the 3rd. I only have one account. Please refund one of them.",
        reply:
          "Hi {name}, you're right: a retry in our billing system charged your {plan} renewal twice. I've refunded the duplicate {amount} and added a credit note to your billing history. Sorry for the trouble.",
      },
      uk: {
        subject: "Підписку продовжили двічі цього місяця",
        body: "Мою підписку {plan} цього місяця продовжили двічі – два списання по {amount} третього числа. Акаунт у мене один. Поверніть, будь ласка, один платіж.",
        reply:
          "Вітаю, {name}! Ви маєте рацію: через повторну спробу в білінгу продовження {plan} списали двічі. Я повернув(-ла) зайві {amount} і додав(-ла) кредитну ноту в історію платежів. Перепрошуємо за незручності.",
      },
      es: {
        subject: "Me han cobrado dos veces la renovación este mes",
        body: "Mi suscripción {plan} se renovó dos veces este mes: dos cargos de {amount} el día 3. Solo tengo una cuenta. Por favor, devolvedme uno.",
        reply:
          "Hola {name}, tienes razón: un reintento de nuestro sistema de cobro duplicó la renovación de {plan}. He reembolsado los {amount} duplicados y añadido una nota de abono a tu historial. Disculpa las molestias.",
      },
    },
  },
  {
    desk: "streaming",
    category: "cancel-subscription",
    channels: ["in_app", "email", "chat"],
    priority: "low",
    tags: ["cancellation", "churn-risk"],
    text: {
      en: {
        subject: "Cancel my subscription",
        body: "Please cancel my {plan} subscription at the end of the current period. I'm travelling for three months and won't use it.",
        reply:
          "Hi {name}, done – your {plan} subscription will end on {date} and you won't be charged again. If you'd rather keep your watch history, you can also pause for up to three months from Account → Subscription.",
      },
      uk: {
        subject: "Скасуйте мою підписку",
        body: "Будь ласка, скасуйте мою підписку {plan} наприкінці поточного періоду. Я їду на три місяці й не користуватимусь нею.",
        reply:
          "Вітаю, {name}! Готово – підписка {plan} завершиться {date}, більше списань не буде. Якщо хочете зберегти історію переглядів, підписку можна також призупинити до трьох місяців у розділі Акаунт → Підписка.",
      },
      es: {
        subject: "Cancelar mi suscripción",
        body: "Por favor, cancelad mi suscripción {plan} al final del periodo actual. Me voy de viaje tres meses y no la voy a usar.",
        reply:
          "Hola {name}, hecho: tu suscripción {plan} terminará el {date} y no se te volverá a cobrar. Si prefieres conservar tu historial, también puedes pausarla hasta tres meses desde Cuenta → Suscripción.",
      },
    },
  },
  {
    desk: "streaming",
    category: "region-lock",
    channels: ["in_app", "email", "social"],
    priority: "normal",
    tags: ["region", "content-access"],
    text: {
      en: {
        subject: "'Not available in your region' while abroad",
        body: "I'm on holiday and every title now says 'not available in your region'. I pay for {plan} at home – shouldn't it work abroad too?",
        reply:
          "Hi {name}, within the EU your {plan} catalogue travels with you; outside it, some titles are limited by the rights we hold in each country. You can still watch everything you downloaded before leaving. Here's the list of countries and what's available in each.",
      },
      uk: {
        subject: "«Недоступно у вашому регіоні» за кордоном",
        body: "Я у відпустці, і тепер кожен фільм показує «недоступно у вашому регіоні». Я плачу за {plan} удома – хіба за кордоном не має працювати?",
        reply:
          "Вітаю, {name}! У межах ЄС каталог {plan} доступний у подорожі; поза ним деякі фільми обмежені правами, які ми маємо в кожній країні. Усе, що ви завантажили до від'їзду, можна дивитися й надалі. Ось перелік країн і доступного в них вмісту.",
      },
      es: {
        subject: "«No disponible en tu región» estando fuera",
        body: "Estoy de vacaciones y todos los títulos dicen «no disponible en tu región». Pago {plan} en casa, ¿no debería funcionar también fuera?",
        reply:
          "Hola {name}, dentro de la UE el catálogo de {plan} viaja contigo; fuera, algunos títulos dependen de los derechos que tenemos en cada país. Puedes seguir viendo todo lo que descargaste antes de salir. Aquí tienes la lista de países y su catálogo.",
      },
    },
  },
  {
    desk: "streaming",
    category: "login",
    channels: ["in_app", "email", "chat"],
    priority: "normal",
    tags: ["account", "login"],
    text: {
      en: {
        subject: "Can't log in – password reset e-mail never arrives",
        body: "I've requested a password reset three times but the e-mail never arrives. I can't log in on my {device}.",
        reply:
          "Hi {name}, our mail provider was rejecting your address after an earlier bounce, so the reset e-mails never left. I've cleared the block and sent a new reset link just now – it's valid for one hour.",
        followUp: "It arrived, I'm back in. Thanks!",
      },
      uk: {
        subject: "Не можу увійти – лист для скидання пароля не приходить",
        body: "Я тричі запитував(-ла) скидання пароля, але лист так і не прийшов. Не можу увійти на {device}.",
        reply:
          "Вітаю, {name}! Наш поштовий сервіс блокував вашу адресу після попереднього повернення листа, тому листи не відправлялися. Я зняв(-ла) блокування й щойно надіслав(-ла) нове посилання – воно дійсне одну годину.",
        followUp: "Прийшло, я знову в акаунті. Дякую!",
      },
      es: {
        subject: "No puedo entrar – nunca llega el correo de restablecimiento",
        body: "He pedido restablecer la contraseña tres veces pero el correo nunca llega. No puedo entrar en mi {device}.",
        reply:
          "Hola {name}, nuestro proveedor de correo bloqueaba tu dirección tras un rebote anterior, así que los correos no salían. He quitado el bloqueo y te acabo de enviar un enlace nuevo, válido durante una hora.",
        followUp: "Ha llegado, ya he entrado. ¡Gracias!",
      },
    },
  },
  {
    desk: "streaming",
    category: "upgrade",
    channels: ["in_app", "chat"],
    priority: "low",
    tags: ["upgrade", "plan"],
    text: {
      en: {
        subject: "Upgrade to 4K plan mid-month?",
        body: "If I upgrade from {plan} to Premium 4K today, do I pay the full price or only the difference for the rest of the month?",
        reply:
          "Hi {name}, you only pay the difference for the days left in your billing period, and 4K is unlocked straight away. You can upgrade from Account → Plan, or reply here and I'll do it for you.",
      },
      uk: {
        subject: "Перейти на 4K посеред місяця?",
        body: "Якщо я сьогодні перейду з {plan} на Premium 4K, я заплачу повну ціну чи лише різницю до кінця місяця?",
        reply:
          "Вітаю, {name}! Ви сплачуєте лише різницю за дні, що залишилися в розрахунковому періоді, а 4K відкривається одразу. Змінити план можна в розділі Акаунт → План, або відповідайте тут – і я зроблю це за вас.",
      },
      es: {
        subject: "¿Subir al plan 4K a mitad de mes?",
        body: "Si hoy paso de {plan} a Premium 4K, ¿pago el precio completo o solo la diferencia hasta final de mes?",
        reply:
          "Hola {name}, solo pagas la diferencia por los días que quedan del periodo y el 4K se activa al momento. Puedes cambiarlo en Cuenta → Plan, o responde aquí y lo hago yo.",
      },
    },
  },
  {
    desk: "streaming",
    category: "audio-sync",
    channels: ["in_app", "email"],
    priority: "normal",
    tags: ["playback", "audio-sync", "production-feedback"],
    text: {
      en: {
        subject: "Audio out of sync on the {event} concert film",
        body: "On the {event} concert film the audio runs about half a second behind the picture from the 40-minute mark onwards. Same on phone and TV.",
        reply:
          "Hi {name}, thank you for the precise report – others noticed it too. I've shared it with our production team with your timestamps; a corrected master is being encoded and should be live within 48 hours.",
      },
      uk: {
        subject: "Звук не синхронізований у концертному фільмі {event}",
        body: "У концертному фільмі {event} приблизно з 40-ї хвилини звук відстає від картинки на пів секунди. Так само і на телефоні, і на телевізорі.",
        reply:
          "Вітаю, {name}! Дякую за точний опис – інші глядачі теж це помітили. Я передав(-ла) звіт із вашими таймкодами продакшн-команді; виправлений мастер уже кодується і з'явиться протягом 48 годин.",
      },
      es: {
        subject: "Audio desincronizado en la película del concierto de {event}",
        body: "En la película del concierto de {event} el audio va medio segundo por detrás de la imagen a partir del minuto 40. Igual en el móvil y en la tele.",
        reply:
          "Hola {name}, gracias por el aviso tan preciso; otros usuarios también lo han notado. Se lo he pasado a producción con tus marcas de tiempo; el máster corregido se está codificando y estará disponible en 48 horas.",
      },
    },
  },
  // ------------------------------------------------------------ advertisers
  {
    desk: "advertisers",
    category: "campaign-not-serving",
    channels: ["email", "phone"],
    priority: "urgent",
    tags: ["ad-ops", "campaign"],
    tier: 2,
    text: {
      en: {
        subject: "Campaign {campaign} not serving since this morning",
        body: "Our campaign {campaign} (pre-roll, {budget} budget) has had zero impressions since 06:00 although it is approved and live. Our product launch is today – please look into this urgently.",
        reply:
          "Hi {name}, Ad Ops found that the campaign's frequency cap was saved as 0 per user after yesterday's edit, which blocked all delivery. We've corrected it and impressions are flowing again; we'll add make-good impressions for the missed morning.",
      },
      uk: {
        subject: "Кампанія {campaign} не показується з ранку",
        body: "Наша кампанія {campaign} (pre-roll, бюджет {budget}) не має жодного показу з 06:00, хоча її схвалено й запущено. Сьогодні запуск продукту – перевірте, будь ласка, терміново.",
        reply:
          "Вітаю, {name}! Ad Ops з'ясували, що після вчорашнього редагування ліміт частоти збережено як 0 на користувача, і це заблокувало всі покази. Ми виправили налаштування, покази відновилися; пропущені ранкові покази компенсуємо.",
      },
      es: {
        subject: "La campaña {campaign} no se sirve desde esta mañana",
        body: "Nuestra campaña {campaign} (pre-roll, presupuesto {budget}) no tiene impresiones desde las 06:00 aunque está aprobada y activa. Hoy es el lanzamiento del producto, revisadlo con urgencia, por favor.",
        reply:
          "Hola {name}, Ad Ops ha visto que tras la edición de ayer el límite de frecuencia quedó guardado en 0 por usuario, lo que bloqueaba toda la entrega. Lo hemos corregido y ya hay impresiones; compensaremos las impresiones perdidas de la mañana.",
      },
    },
  },
  {
    desk: "advertisers",
    category: "ad-specs",
    channels: ["email"],
    priority: "normal",
    tags: ["creative", "specs"],
    text: {
      en: {
        subject: "Specs for 15-second mid-roll creative",
        body: "We're preparing creative for campaign {campaign}. What are the exact specs for a 15-second mid-roll – resolution, bitrate, loudness and file size?",
        reply:
          "Hi {name}, for mid-roll we need 1920×1080 H.264 at 10–20 Mbps, audio at −23 LUFS, and files under 200 MB. The full spec sheet is in our advertiser help center; send the files through the creative request form and we'll check them within one business day.",
      },
      uk: {
        subject: "Вимоги до 15-секундного mid-roll",
        body: "Готуємо креатив для кампанії {campaign}. Які точні вимоги до 15-секундного mid-roll – роздільна здатність, бітрейт, гучність і розмір файлу?",
        reply:
          "Вітаю, {name}! Для mid-roll потрібні 1920×1080 H.264 з бітрейтом 10–20 Мбіт/с, звук −23 LUFS і файли до 200 МБ. Повні вимоги є в довідковому центрі для рекламодавців; надсилайте файли через форму креативного запиту – перевіримо протягом робочого дня.",
      },
      es: {
        subject: "Especificaciones para un mid-roll de 15 segundos",
        body: "Estamos preparando las piezas de la campaña {campaign}. ¿Cuáles son las especificaciones exactas de un mid-roll de 15 segundos: resolución, bitrate, sonoridad y tamaño?",
        reply:
          "Hola {name}, para mid-roll necesitamos 1920×1080 H.264 a 10–20 Mbps, audio a −23 LUFS y archivos de menos de 200 MB. La ficha completa está en el centro de ayuda para anunciantes; envía los archivos con el formulario de solicitud creativa y los revisamos en un día hábil.",
      },
    },
  },
  {
    desk: "advertisers",
    category: "invoicing",
    channels: ["email"],
    priority: "low",
    tags: ["invoice", "billing"],
    text: {
      en: {
        subject: "Invoice for {campaign} shows the wrong VAT number",
        body: "The invoice for campaign {campaign} has our old VAT number. Could you reissue it with the current one? Our finance team can't book it otherwise.",
        reply:
          "Hi {name}, I've updated the VAT number on your advertiser account and reissued the invoice for {campaign}; the corrected PDF is attached to this ticket and was also sent to your billing contact.",
      },
      uk: {
        subject: "У рахунку за {campaign} неправильний податковий номер",
        body: "У рахунку за кампанію {campaign} вказано наш старий податковий номер. Чи можете перевипустити його з чинним? Інакше бухгалтерія не може його провести.",
        reply:
          "Вітаю, {name}! Я оновив(-ла) податковий номер у вашому акаунті рекламодавця й перевипустив(-ла) рахунок за {campaign}; виправлений PDF додано до цього тікета й надіслано вашому контакту з фінансів.",
      },
      es: {
        subject: "La factura de {campaign} tiene un NIF incorrecto",
        body: "La factura de la campaña {campaign} lleva nuestro NIF antiguo. ¿Podéis emitirla de nuevo con el actual? Si no, finanzas no puede contabilizarla.",
        reply:
          "Hola {name}, he actualizado el NIF en tu cuenta de anunciante y he vuelto a emitir la factura de {campaign}; el PDF corregido está adjunto a este ticket y se ha enviado también a vuestro contacto de facturación.",
      },
    },
  },
  {
    desk: "advertisers",
    category: "reporting",
    channels: ["email", "phone"],
    priority: "normal",
    tags: ["reporting"],
    text: {
      en: {
        subject: "Completion rate in the report looks wrong",
        body: "The weekly report for {campaign} shows a 12% completion rate, but our own tracking says 71%. Can you check whether the report counts skipped views correctly?",
        reply:
          "Hi {name}, you spotted a real bug: the report divided completions by all ad requests instead of impressions. Engineering has fixed it and the corrected report for {campaign} shows 69.8%. Thanks for flagging it.",
      },
      uk: {
        subject: "Показник досмотрів у звіті виглядає хибно",
        body: "Тижневий звіт за {campaign} показує 12% досмотрів, а наша аналітика – 71%. Чи можете перевірити, чи правильно звіт рахує пропущені покази?",
        reply:
          "Вітаю, {name}! Ви знайшли справжню помилку: звіт ділив досмотри на всі запити реклами, а не на покази. Розробники її виправили, і оновлений звіт за {campaign} показує 69,8%. Дякуємо, що повідомили.",
      },
      es: {
        subject: "La tasa de finalización del informe parece errónea",
        body: "El informe semanal de {campaign} muestra un 12% de finalización, pero nuestra medición dice 71%. ¿Podéis comprobar si el informe cuenta bien las visualizaciones omitidas?",
        reply:
          "Hola {name}, has encontrado un error real: el informe dividía las finalizaciones entre todas las solicitudes de anuncio en lugar de las impresiones. Ingeniería lo ha corregido y el informe de {campaign} muestra ahora un 69,8%. Gracias por avisar.",
      },
    },
  },
];
