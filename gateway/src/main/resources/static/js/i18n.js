// Both languages' words, the current choice (remembered), and the switch. Traditional Chinese is the default.
const STORAGE_KEY = "tongbao.language"; // shared with the demo sign-in page
const HTML_LANG = { zh: "zh-Hant-TW", en: "en" };

const WORDS = {
    zh: {
        otherLanguage: "English",
        switchLanguage: "Switch language 切換語言",
        skip: "跳到主要內容",
        brand: "通報",
        brandTagline: "一次申報，機關都知道",
        mainNav: "主選單",
        navFile: "申報異動",
        navChanges: "我的申報",
        signOut: "登出",
        signedInAs: "已登入：",
        signInNeeded: "需要登入",
        signInNeededText: "此頁需要登入。請透過本機關的登入服務登入後再回到此頁；登入服務必須提供存取憑證（token）。",
        signInRedirect: "尚未登入，正在前往登入頁…",
        // file a change
        fileTitle: "申報異動｜通報",
        fileHeading: "申報異動",
        fileIntro: "只要申報一次，通報會把異動送到每一個依法需要知道的機關，以及您同意通知的事業單位。",
        typeLegend: "您要申報哪一種異動？",
        ADDRESS_CHANGE: "地址變更",
        NAME_CHANGE: "姓名變更",
        CONTACT_CHANGE: "聯絡方式變更",
        DEATH_REPORT: "家屬死亡通報",
        typeHintADDRESS_CHANGE: "搬家後的新地址",
        typeHintNAME_CHANGE: "更改姓名或羅馬拼音",
        typeHintCONTACT_CHANGE: "手機號碼、電子郵件",
        typeHintDEATH_REPORT: "為過世的家人通報",
        filer: "申報人：",
        colon: "：",
        listSeparator: "、",
        clauseSeparator: "；",
        optional: "（選填）",
        moveDate: "搬遷日期",
        moveDateHint: "可填 30 天內已搬遷或 90 天內將搬遷的日期。",
        effectiveDate: "生效日期",
        newAddress: "新地址",
        previousAddress: "原地址",
        givePrevious: "同時提供原地址，方便事業單位（如郵件改寄）辨識",
        postalCode: "郵遞區號",
        postalCodeHint: "3、5 或 6 碼數字",
        city: "縣市",
        chooseCity: "請選擇縣市",
        district: "鄉鎮市區",
        village: "村里",
        neighborhood: "鄰",
        street: "街路",
        lane: "巷",
        alley: "弄",
        number: "號",
        floor: "樓",
        unit: "室",
        newName: "新姓名",
        romanizedName: "羅馬拼音姓名",
        romanizedNameHint: "例如 WANG, HSIAO-MING",
        phone: "手機號碼",
        phoneHint: "09 開頭 10 碼，或 +8869 開頭",
        email: "電子郵件",
        contactHint: "手機號碼與電子郵件至少填一項。",
        deceasedId: "往生者身分證統一編號",
        deceasedIdHint: "1 個英文字母加 9 個數字",
        deceasedName: "往生者姓名",
        relationship: "您與往生者的關係",
        relationshipHint: "例如：配偶、子女、父母",
        dateOfDeath: "死亡日期",
        lawLegend: "依法一定會通知的機關",
        lawIntro: "這些機關依法律規定取得異動資料，不需您勾選：",
        consentLegend: "也要通知這些事業單位嗎？（選填）",
        consentIntro: "只有您勾選的單位會收到資料；沒有勾選就不會通知。",
        noConsentAgencies: "這類異動沒有可選擇通知的事業單位。",
        basisLAW: "依法通知",
        basisCONSENT: "經您同意",
        legalReference: "依據：",
        willReceive: "會收到：",
        submit: "送出申報",
        filing: "正在送出申報…",
        errorSummary: "請修正以下問題後再送出",
        filedFailed: "無法送出申報：",
        network: "無法連線到通報，請稍後再試。",
        catalogFailed: "無法載入機關清單，請重新整理頁面。",
        // receipt
        receiptTitle: "已收到申報｜通報",
        receiptHeading: "已收到您的申報",
        receiptNumber: "收據編號",
        receiptKeep: "請保存收據編號，日後查詢進度時會用到。",
        changeType: "異動類型",
        submittedAt: "申報時間",
        sequence: "第幾次申報",
        agenciesNotified: "將通知的機關",
        trackIt: "追蹤傳送進度",
        fileAnother: "再申報一筆",
        // changes
        changesTitle: "我的申報｜通報",
        changesHeading: "我的申報",
        changesCaption: "您的申報，最新的在前",
        noChanges: "您還沒有申報紀錄。",
        fileFirst: "申報異動",
        status: "狀態",
        progress: "傳送",
        deliveredOf: "{done} / {all} 個機關已送達",
        pagination: "分頁",
        previousPage: "上一頁",
        nextPage: "下一頁",
        pageOf: "第 {page} 頁，共 {pages} 頁",
        loading: "載入中…",
        // tracker
        trackerTitle: "傳送進度｜通報",
        trackerHeading: "傳送進度",
        liveNote: "此頁每 2 秒自動更新，不需重新整理。",
        lastUpdated: "最後更新：",
        deliveriesHeading: "各機關傳送進度",
        whoHeading: "誰收到了我的資料",
        whoIntro: "每個機關只會收到它有權取得的欄位。",
        whoCaption: "各機關收到的資料與時間",
        agency: "機關",
        fieldsReceived: "收到的資料",
        receivedAt: "收到時間",
        notYet: "尚未送達",
        refused: "機關退件，未受理",
        reason: "原因：",
        nextAttempt: "下次重試：",
        attempts: "嘗試次數：",
        parkedNote: "已暫停自動傳送，工作人員會處理。",
        timeline: "歷程",
        notFound: "找不到這筆申報，或它不是您申報的。",
        pollFailed: "暫時無法更新進度，稍後會自動再試。",
        // short names of the fields agencies receive (the catalog's descriptions are longer)
        field_subjectRef: "代號（每個機關不同的假名）",
        field_subjectId: "身分證統一編號",
        field_sequence: "申報序號",
        field_effectiveDate: "生效日期",
        field_name: "姓名",
        field_romanizedName: "羅馬拼音姓名",
        field_address: "新地址",
        field_previousAddress: "原地址",
        field_phone: "手機號碼",
        field_email: "電子郵件",
        field_dateOfDeath: "死亡日期",
        field_relationship: "與往生者的關係",
        // statuses
        PENDING: "等待傳送",
        RETRYING: "重試中",
        DELIVERED: "已送達",
        APPLIED: "機關已完成更新",
        REJECTED: "機關退件",
        PARKED: "暫停傳送",
        SUPERSEDED: "已由較新的申報取代",
        CANCELLED: "已取消",
        IN_PROGRESS: "處理中",
        COMPLETED: "已完成",
        NEEDS_ATTENTION: "需要處理"
    },
    en: {
        otherLanguage: "中文",
        switchLanguage: "切換語言 Switch language",
        skip: "Skip to main content",
        brand: "Tongbao",
        brandTagline: "Tell government once",
        mainNav: "Main menu",
        navFile: "File a change",
        navChanges: "My changes",
        signOut: "Sign out",
        signedInAs: "Signed in: ",
        signInNeeded: "Sign-in needed",
        signInNeededText: "This page needs you to sign in. Sign in through this service's sign-in provider, then come back; the sign-in service must provide an access token.",
        signInRedirect: "Not signed in; going to the sign-in page…",
        fileTitle: "File a change | Tongbao",
        fileHeading: "File a change",
        fileIntro: "File once: Tongbao sends the change to every agency that must know by law, and to the services you choose.",
        typeLegend: "What do you want to report?",
        ADDRESS_CHANGE: "Change of address",
        NAME_CHANGE: "Change of name",
        CONTACT_CHANGE: "Change of contact details",
        DEATH_REPORT: "Death of a relative",
        typeHintADDRESS_CHANGE: "Your new address after a move",
        typeHintNAME_CHANGE: "A new name or romanized name",
        typeHintCONTACT_CHANGE: "Mobile phone, e-mail",
        typeHintDEATH_REPORT: "Report a relative who has died",
        filer: "Filed by: ",
        colon: ": ",
        listSeparator: ", ",
        clauseSeparator: "; ",
        optional: " (optional)",
        moveDate: "Moving date",
        moveDateHint: "Up to 30 days ago or 90 days ahead.",
        effectiveDate: "Effective date",
        newAddress: "New address",
        previousAddress: "Previous address",
        givePrevious: "Also give my previous address (helps services such as mail forwarding find me)",
        postalCode: "Postal code",
        postalCodeHint: "3, 5 or 6 digits",
        city: "City or county",
        chooseCity: "Choose a city or county",
        district: "District or township",
        village: "Village (li)",
        neighborhood: "Neighborhood (lin)",
        street: "Street or road",
        lane: "Lane",
        alley: "Alley",
        number: "Number",
        floor: "Floor",
        unit: "Unit",
        newName: "New name",
        romanizedName: "Romanized name",
        romanizedNameHint: "e.g. WANG, HSIAO-MING",
        phone: "Mobile phone",
        phoneHint: "10 digits starting 09, or starting +8869",
        email: "E-mail",
        contactHint: "Give a mobile number, an e-mail address, or both.",
        deceasedId: "National ID of the deceased",
        deceasedIdHint: "One letter and nine digits",
        deceasedName: "Name of the deceased",
        relationship: "Your relationship to the deceased",
        relationshipHint: "e.g. spouse, child, parent",
        dateOfDeath: "Date of death",
        lawLegend: "Agencies always told, by law",
        lawIntro: "These agencies receive the change because the law says so; you need not choose them:",
        consentLegend: "Also tell these services? (optional)",
        consentIntro: "Only the services you tick receive anything; unticked means not told.",
        noConsentAgencies: "No optional services take this kind of change.",
        basisLAW: "By law",
        basisCONSENT: "With your consent",
        legalReference: "Basis: ",
        willReceive: "Receives: ",
        submit: "File the change",
        filing: "Filing the change…",
        errorSummary: "Fix these problems, then file again",
        filedFailed: "Could not file the change: ",
        network: "Tongbao cannot be reached; try again shortly.",
        catalogFailed: "The list of agencies did not load; reload the page.",
        receiptTitle: "Change received | Tongbao",
        receiptHeading: "We have your change",
        receiptNumber: "Receipt number",
        receiptKeep: "Keep the receipt number; you need it to follow the change.",
        changeType: "Kind of change",
        submittedAt: "Filed at",
        sequence: "Your change number",
        agenciesNotified: "Agencies to be told",
        trackIt: "Follow the deliveries",
        fileAnother: "File another change",
        changesTitle: "My changes | Tongbao",
        changesHeading: "My changes",
        changesCaption: "Your changes, newest first",
        noChanges: "You have not filed any changes yet.",
        fileFirst: "File a change",
        status: "Status",
        progress: "Deliveries",
        deliveredOf: "{done} of {all} agencies have it",
        pagination: "Pages",
        previousPage: "Previous page",
        nextPage: "Next page",
        pageOf: "Page {page} of {pages}",
        loading: "Loading…",
        trackerTitle: "Deliveries | Tongbao",
        trackerHeading: "Deliveries",
        liveNote: "This page updates itself every 2 seconds; no need to reload.",
        lastUpdated: "Last updated: ",
        deliveriesHeading: "Each agency's delivery",
        whoHeading: "Who received my data",
        whoIntro: "Each agency receives only the fields it is entitled to.",
        whoCaption: "What each agency received, and when",
        agency: "Agency",
        fieldsReceived: "Data received",
        receivedAt: "Received at",
        notYet: "Not yet delivered",
        refused: "Refused by the agency",
        reason: "Reason: ",
        nextAttempt: "Next try: ",
        attempts: "Tries: ",
        parkedNote: "Automatic delivery has stopped; staff will follow up.",
        timeline: "History",
        notFound: "No such change, or it was not filed by you.",
        pollFailed: "Cannot update right now; trying again shortly.",
        field_subjectRef: "Pseudonym (different at every agency)",
        field_subjectId: "National ID",
        field_sequence: "Change number",
        field_effectiveDate: "Effective date",
        field_name: "Name",
        field_romanizedName: "Romanized name",
        field_address: "New address",
        field_previousAddress: "Previous address",
        field_phone: "Mobile phone",
        field_email: "E-mail",
        field_dateOfDeath: "Date of death",
        field_relationship: "Relationship to the deceased",
        PENDING: "Waiting to be sent",
        RETRYING: "Retrying",
        DELIVERED: "Delivered",
        APPLIED: "Applied by the agency",
        REJECTED: "Rejected by the agency",
        PARKED: "On hold",
        SUPERSEDED: "Replaced by a newer change",
        CANCELLED: "Cancelled",
        IN_PROGRESS: "In progress",
        COMPLETED: "Completed",
        NEEDS_ATTENTION: "Needs attention"
    }
};

// The gateway's validation messages are English; these are the ones a citizen meets, in Chinese.
const SERVER_MESSAGES_ZH = [
    [/^is required$/, "此欄必填"],
    [/^must not be blank$/, "此欄必填"],
    [/^must be a string$/, "格式不正確"],
    [/^must be at most (\d+) characters$/, "最多 $1 個字"],
    [/^must be a date like .*$/, "請填寫正確的日期"],
    [/^is not a known field$/, "不是可接受的欄位"],
    [/^must be one of the 22 municipalities and counties.*$/, "請選擇 22 個縣市之一"],
    [/^must be 3, 5 or 6 digits$/, "郵遞區號須為 3、5 或 6 碼數字"],
    [/^is not a valid national ID$/, "身分證統一編號格式或檢查碼不正確"],
    [/^a move must be at most 30 days past or 90 days ahead$/, "搬遷日期須在 30 天前到 90 天後之間"],
    [/^must not be in the future$/, "日期不能在未來"],
    [/^must be a Taiwan mobile number.*$/, "請填寫台灣手機號碼：09 開頭 10 碼，或 +8869 開頭"],
    [/^must be an e-mail address$/, "請填寫正確的電子郵件"],
    [/^must hold phone and\/or email$/, "手機號碼與電子郵件至少填一項"],
    [/^(\w+) is notified by law and cannot be chosen$/, "$1 依法一定會通知，不需勾選"],
    [/^(\w+) does not take .*$/, "$1 不接受這類異動"]
];

const listeners = [];
let language = initialLanguage();

function initialLanguage() {
    const chosen = sessionStorage.getItem(STORAGE_KEY) || localStorage.getItem(STORAGE_KEY);
    return chosen === "en" ? "en" : "zh";
}

/** The current language: "zh" or "en". */
export function currentLanguage() {
    return language;
}

/** The word for key in the current language, with {name} placeholders filled in. */
export function t(key, values = {}) {
    const text = WORDS[language][key] ?? WORDS.zh[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Picks the current language from a {"zh-TW": …, "en": …} map, as the catalog gives names. */
export function pick(names) {
    if (!names) {
        return "";
    }
    return (language === "en" ? names.en : names["zh-TW"]) || names["zh-TW"] || names.en || "";
}

/** The short name of a field an agency receives; else the catalog's description of it, else its JSON name. */
export function fieldLabel(name, catalog) {
    if (WORDS[language]["field_" + name]) {
        return t("field_" + name);
    }
    const entry = catalog && catalog.fields.find((field) => field.name === name);
    return entry ? pick(entry.description) : name;
}

/** A server validation message in the current language (unknown ones stay as the server wrote them). */
export function serverMessage(message) {
    if (language === "en" || !message) {
        return message;
    }
    for (const [pattern, zh] of SERVER_MESSAGES_ZH) {
        if (pattern.test(message)) {
            return message.replace(pattern, zh);
        }
    }
    return message;
}

/** A date-time in Taiwan time, written the current language's way. */
export function formatInstant(iso) {
    if (!iso) {
        return "";
    }
    return new Intl.DateTimeFormat(language === "en" ? "en-GB" : "zh-TW", {
        dateStyle: "medium",
        timeStyle: "medium",
        timeZone: "Asia/Taipei"
    }).format(new Date(iso));
}

/** Runs callback after every language switch (pages re-render what they drew themselves). */
export function onLanguageChange(callback) {
    listeners.push(callback);
}

/** Fills every [data-i18n] element's text and [data-i18n-label] element's aria-label, and sets <html lang>. */
export function applyLanguage(root = document) {
    document.documentElement.lang = HTML_LANG[language];
    root.querySelectorAll("[data-i18n]").forEach((element) => {
        element.textContent = t(element.dataset.i18n);
    });
    root.querySelectorAll("[data-i18n-label]").forEach((element) => {
        element.setAttribute("aria-label", t(element.dataset.i18nLabel));
    });
    const toggle = document.getElementById("language");
    if (toggle) {
        toggle.textContent = t("otherLanguage");
        toggle.lang = language === "zh" ? HTML_LANG.en : HTML_LANG.zh;
    }
}

function switchLanguage() {
    language = language === "zh" ? "en" : "zh";
    sessionStorage.setItem(STORAGE_KEY, language);
    localStorage.setItem(STORAGE_KEY, language);
    applyLanguage();
    listeners.forEach((callback) => callback(language));
}

document.getElementById("language")?.addEventListener("click", switchLanguage);
applyLanguage();
