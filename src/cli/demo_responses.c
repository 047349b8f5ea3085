/* demo_responses.c: `agora demo --responses N`: generated responses from fictional respondents,
 * in the six languages, spread over the demo rounds. Deterministic: respondent i is always the
 * same person saying the same things. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../domain/country.h"
#include "../domain/response.h"
#include "../util/clock.h"
#include "../web/assets.h"
#include "cli.h"

#define BATCH 500		/* responses per writer transaction */
#define MAX_ROUNDS 16
#define SEED UINT64_C(0x9e3779b97f4a7c15)

extern const struct embedded demo_files[];

static const char SQL_COUNT[] = "SELECT COUNT(*) FROM responses";

/* xorshift64*: small, fast and the same everywhere. */
struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * UINT64_C(0x2545f4914f6cdd1d);
}

/* A number in [0, n). */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return (rng_next(r) >> 11) % n;
}

/* A time in [0, span): a fraction of span, so that a round whose span grew by a few seconds
 * (the open one, which ends now) keeps nearly the same times. */
static int64_t
rng_within(struct rng *r, int64_t span)
{
	return (int64_t)((double)(rng_next(r) >> 11) / 9007199254740992.0 * (double)span);
}

/* Respondent i's own generator: its content depends on i alone. */
static void
rng_seed(struct rng *r, uint64_t i)
{
	r->s = SEED ^ (i * UINT64_C(0xbf58476d1ce4e5b9));
	if (r->s == 0)
		r->s = SEED;
	for (int k = 0; k < 4; k++)
		rng_next(r);
}

#define NTYPES 7		/* stakeholder_types[], in order */
#define NGIVEN 10
#define NSURNAME 8
#define NSENT 10
#define NREC 6
#define NOPEN 3

struct given {
	const char *name;
	int female;
};

struct gendered {
	const char *m, *f;	/* f NULL: the same word for both */
};

/* Everything one language needs. Names are "Given Surname" (one-word surnames, so that the
 * display name's "SURNAME, Given" works), except Chinese: surname then given name, no space. */
struct demo_lang {
	const char *code;
	unsigned weight;	/* share of the respondents, out of the sum */
	const char *sep;	/* between sentences */
	int surname_first;
	const char *countries[10];
	struct given given[NGIVEN];
	struct gendered surname[NSURNAME];
	const char *organization[NTYPES];
	struct gendered job[NTYPES];
	const char *opener[NOPEN];	/* printf formats: %s is the round's title */
	const char *sentence[NSENT];	/* connectivity, languages, capacity, cost, environment */
	const char *recommendation[NREC];
};

static const struct demo_lang langs[] = {
	{ "ar", 12, " ", 0,
	  { "SA", "EG", "AE", "MA", "JO", "TN", "QA", "OM", "LB", "DZ" },
	  { { "أحمد", 0 }, { "ليلى", 1 }, { "يوسف", 0 }, { "فاطمة", 1 }, { "عمر", 0 },
	    { "مريم", 1 }, { "خالد", 0 }, { "نور", 1 }, { "كريم", 0 }, { "سارة", 1 } },
	  { { "الحسن", NULL }, { "المنصوري", NULL }, { "الخطيب", NULL }, { "حداد", NULL }, { "السيد", NULL }, { "العلي", NULL },
	    { "بنعلي", NULL }, { "الشامي", NULL } },
	  { "وزارة مثال للشؤون الرقمية (جهة خيالية)", "شركة مثال للاتصالات (جهة خيالية)",
	    "شبكة مثال للمجتمع المدني (جهة خيالية)", "مختبر سياسات الإنترنت بجامعة مثال (جهة خيالية)",
	    "مجموعة مثال لمشغلي الشبكات (جهة خيالية)", "منظمة مثال الإقليمية للتنمية (جهة خيالية)",
	    "بصفة شخصية (شخص خيالي)" },
	  { { "مستشار أول للسياسات الرقمية", "مستشارة أولى للسياسات الرقمية" },
	    { "مدير الشؤون التنظيمية", "مديرة الشؤون التنظيمية" },
	    { "منسق برامج", "منسقة برامج" },
	    { "أستاذ مشارك", "أستاذة مشاركة" },
	    { "مهندس شبكات", "مهندسة شبكات" },
	    { "موظف برامج", "موظفة برامج" },
	    { "باحث مستقل", "باحثة مستقلة" } },
	  { "نرحب بالمشاورة بشأن «%s».",
	    "نشكر فريق العمل على إطلاق المشاورة بشأن «%s».",
	    "تستند مساهمتنا في المشاورة بشأن «%s» إلى عملنا اليومي." },
	  { "لا يزال الاتصال المجدي بعيد المنال بالنسبة إلى كثير من المجتمعات الريفية والنائية.",
	    "يمكن للشبكات المجتمعية والمشغلين المحليين الصغار توسيع النفاذ حيث لا يستثمر المشغلون الكبار.",
	    "ينبغي أن يتاح المحتوى والخدمات باللغات المحلية، بما في ذلك أسماء الميادين وعناوين البريد "
	    "الإلكتروني المدوّلة.",
	    "يساعد المحتوى المتعدد اللغات الناس على استخدام الإنترنت في التعليم والصحة والخدمات العامة.",
	    "ينبغي أن يظل بناء قدرات واضعي السياسات والهيئات التنظيمية والمجتمعات التقنية المحلية "
	    "أولوية دائمة.",
	    "تنجح برامج المهارات الرقمية على نحو أفضل عندما تصمم بالتعاون مع المجتمعات التي تخدمها.",
	    "لا تزال القدرة على تحمل التكاليف العائق الرئيسي: ينبغي أن تقل تكلفة النطاق العريض "
	    "الأساسي كثيراً عن 2% من متوسط الدخل الشهري.",
	    "يمكن لسياسات الطيف وتقاسم البنية التحتية والضرائب العادلة على الأجهزة أن تخفض تكلفة النفاذ.",
	    "ينبغي قياس الأثر البيئي للشبكات ومراكز البيانات بأساليب مفتوحة وقابلة للمقارنة.",
	    "يسهم إصلاح الأجهزة وإعادة استخدامها وإعادة تدويرها على نحو مسؤول في الحد من النفايات "
	    "الإلكترونية." },
	  { "نوصي بأن يتبادل فريق العمل أفضل الممارسات بين الدول الأعضاء وجميع أصحاب المصلحة.",
	    "ينبغي أن يدعم التعاون الدولي المبادرات الوطنية والإقليمية لا أن يحل محلها.",
	    "نشجع الاتحاد الدولي للاتصالات على نشر بيانات مفتوحة لكي يتسنى قياس التقدم المحرز.",
	    "ينبغي وضع السياسات بالتشاور مع جميع أصحاب المصلحة، بمن فيهم المستخدمون.",
	    "نقترح إجراء استعراضات منتظمة كي تواكب التدابير تطور التكنولوجيا.",
	    "من شأن حلقات العمل الإقليمية أن تساعد البلدان النامية على تطبيق هذه الدروس." } },

	{ "zh", 12, "", 1,
	  { "CN", "SG" },
	  { { "伟", 0 }, { "芳", 1 }, { "磊", 0 }, { "静", 1 }, { "晓明", 0 }, { "丽娜", 1 },
	    { "建华", 0 }, { "海燕", 1 }, { "志强", 0 }, { "敏", 1 } },
	  { { "王", NULL }, { "李", NULL }, { "张", NULL }, { "刘", NULL }, { "陈", NULL }, { "杨", NULL }, { "赵", NULL }, { "黄", NULL } },
	  { "示例国数字事务部（虚构）", "示例电信有限公司（虚构）", "示例公民社会网络（虚构）",
	    "示例大学互联网政策实验室（虚构）", "示例网络运营者小组（虚构）", "示例区域发展组织（虚构）",
	    "以个人身份（虚构人物）" },
	  { { "数字政策高级顾问", NULL }, { "监管事务总监", NULL }, { "项目协调员", NULL }, { "副教授", NULL },
	    { "网络工程师", NULL }, { "项目官员", NULL }, { "独立研究员", NULL } },
	  { "我们欢迎就“%s”开展的磋商。",
	    "感谢工作组就“%s”开展公开磋商。",
	    "我们对“%s”磋商的意见基于日常工作经验。" },
	  { "许多农村和偏远社区仍然无法获得有意义的连接。",
	    "在大型运营商不愿投资的地区，社区网络和小型本地运营商可以扩大接入。",
	    "内容和服务应以当地语言提供，包括国际化域名和电子邮件地址。",
	    "多语文内容帮助人们利用互联网获取教育、医疗和公共服务。",
	    "为政策制定者、监管机构和当地技术社群开展能力建设应当成为一项长期优先工作。",
	    "数字技能项目在与其服务的社区共同设计时效果最好。",
	    "可负担性仍然是主要障碍：入门级宽带的费用应远低于月平均收入的2%。",
	    "频谱政策、基础设施共享以及对终端设备的合理税收可以降低接入成本。",
	    "应采用开放、可比的方法衡量网络和数据中心对环境的影响。",
	    "设备的维修、再利用和负责任的回收可以减少电子废弃物。" },
	  { "我们建议工作组在成员国和所有利益攸关方之间分享良好做法。",
	    "国际合作应支持而非取代国家和区域举措。",
	    "我们鼓励国际电联发布开放数据，以便衡量所取得的进展。",
	    "政策的制定应与包括用户在内的所有利益攸关方协商。",
	    "我们建议定期审查，使相关措施跟上技术发展。",
	    "举办区域研讨会将有助于发展中国家运用这些经验。" } },

	{ "en", 30, " ", 0,
	  { "GB", "US", "KE", "IN", "AU", "NG", "GH", "ZA", "CA", "NZ" },
	  { { "Alice", 1 }, { "James", 0 }, { "Grace", 1 }, { "Samuel", 0 }, { "Priya", 1 },
	    { "Daniel", 0 }, { "Amara", 1 }, { "Oliver", 0 }, { "Hannah", 1 }, { "Kwame", 0 } },
	  { { "Smith", NULL }, { "Johnson", NULL }, { "Okafor", NULL }, { "Patel", NULL }, { "Brown", NULL }, { "Wilson", NULL },
	    { "Mwangi", NULL }, { "Taylor", NULL } },
	  { "Example Ministry of Digital Affairs (fictional)", "Example Telecom Ltd (fictional)",
	    "Example Civil Society Network (fictional)",
	    "Example University Internet Policy Lab (fictional)",
	    "Example Network Operators Group (fictional)",
	    "Example Regional Development Organization (fictional)",
	    "Individual capacity (fictional person)" },
	  { { "Senior Policy Adviser", NULL }, { "Head of Regulatory Affairs", NULL }, { "Programme Coordinator", NULL },
	    { "Associate Professor", NULL }, { "Network Engineer", NULL }, { "Programme Officer", NULL },
	    { "Independent Researcher", NULL } },
	  { "We welcome the consultation on “%s”.",
	    "We thank the working group for opening the consultation on “%s”.",
	    "Our contribution to the consultation on “%s” draws on our daily work." },
	  { "Meaningful connectivity remains out of reach for many rural and remote communities.",
	    "Community networks and small local operators can extend access where large operators do "
	    "not invest.",
	    "Content and services should be available in local languages, including internationalized "
	    "domain names and email addresses.",
	    "Multilingual content helps people use the Internet for education, health and public "
	    "services.",
	    "Capacity building for policy makers, regulators and local technical communities should "
	    "remain a lasting priority.",
	    "Digital skills programmes work best when they are designed with the communities they serve.",
	    "Affordability is still the main barrier: entry-level broadband should cost well under 2% "
	    "of average monthly income.",
	    "Spectrum policy, infrastructure sharing and fair taxation of devices can lower the cost of "
	    "access.",
	    "The environmental impact of networks and data centres should be measured with open, "
	    "comparable methods.",
	    "Repair, reuse and the responsible recycling of devices reduce electronic waste." },
	  { "We recommend that the working group share good practices among Member States and all "
	    "stakeholders.",
	    "International cooperation should support national and regional initiatives, not replace "
	    "them.",
	    "We encourage ITU to publish open data so that progress can be measured.",
	    "Policies should be developed in consultation with all stakeholders, including users.",
	    "We suggest regular reviews so that measures keep pace with technology.",
	    "Regional workshops would help developing countries apply these lessons." } },

	{ "fr", 17, " ", 0,
	  { "FR", "SN", "CI", "CA", "BE", "CH", "CM" },
	  { { "Camille", 1 }, { "Julien", 0 }, { "Aminata", 1 }, { "Mathieu", 0 }, { "Claire", 1 },
	    { "Moussa", 0 }, { "Élodie", 1 }, { "Thomas", 0 }, { "Fatou", 1 }, { "Nicolas", 0 } },
	  { { "Martin", NULL }, { "Bernard", NULL }, { "Diallo", NULL }, { "Dubois", NULL }, { "Lefebvre", NULL }, { "Traore", NULL },
	    { "Moreau", NULL }, { "Laurent", NULL } },
	  { "Ministère Exemple des affaires numériques (fictif)", "Exemple Télécom SA (société fictive)",
	    "Réseau Exemple de la société civile (fictif)",
	    "Laboratoire de politiques de l'Internet de l'Université Exemple (fictif)",
	    "Groupe Exemple des opérateurs de réseaux (fictif)",
	    "Organisation régionale Exemple pour le développement (fictive)",
	    "À titre individuel (personne fictive)" },
	  { { "Conseiller principal en politiques numériques",
	      "Conseillère principale en politiques numériques" },
	    { "Directeur des affaires réglementaires", "Directrice des affaires réglementaires" },
	    { "Coordinateur de programmes", "Coordinatrice de programmes" },
	    { "Maître de conférences", NULL },
	    { "Ingénieur réseau", "Ingénieure réseau" },
	    { "Chargé de programme", "Chargée de programme" },
	    { "Chercheur indépendant", "Chercheuse indépendante" } },
	  { "Nous saluons la consultation sur «\u00a0%s\u00a0».",
	    "Nous remercions le Groupe de travail d'avoir ouvert la consultation sur «\u00a0%s\u00a0».",
	    "Notre contribution à la consultation sur «\u00a0%s\u00a0» s'appuie sur notre travail "
	    "quotidien." },
	  { "Une connectivité réellement utile reste hors de portée de nombreuses communautés rurales "
	    "et isolées.",
	    "Les réseaux communautaires et les petits opérateurs locaux peuvent étendre l'accès là où "
	    "les grands opérateurs n'investissent pas.",
	    "Les contenus et les services devraient être disponibles dans les langues locales, y compris "
	    "les noms de domaine et les adresses électroniques internationalisés.",
	    "Les contenus multilingues aident chacun à utiliser l'Internet pour l'éducation, la santé et "
	    "les services publics.",
	    "Le renforcement des capacités des décideurs, des régulateurs et des communautés techniques "
	    "locales doit rester une priorité durable.",
	    "Les programmes de compétences numériques fonctionnent mieux lorsqu'ils sont conçus avec les "
	    "communautés auxquelles ils s'adressent.",
	    "Le coût reste le principal obstacle\u00a0: le haut débit d'entrée de gamme devrait coûter "
	    "bien moins de 2\u00a0% du revenu mensuel moyen.",
	    "La politique du spectre, le partage des infrastructures et une fiscalité équitable sur les "
	    "terminaux peuvent réduire le coût de l'accès.",
	    "L'impact environnemental des réseaux et des centres de données devrait être mesuré selon "
	    "des méthodes ouvertes et comparables.",
	    "La réparation, le réemploi et le recyclage responsable des appareils réduisent les déchets "
	    "électroniques." },
	  { "Nous recommandons que le Groupe de travail partage les bonnes pratiques entre les États "
	    "Membres et toutes les parties prenantes.",
	    "La coopération internationale devrait soutenir les initiatives nationales et régionales, et "
	    "non s'y substituer.",
	    "Nous encourageons l'UIT à publier des données ouvertes afin de pouvoir mesurer les progrès.",
	    "Les politiques devraient être élaborées en consultation avec toutes les parties prenantes, "
	    "y compris les utilisateurs.",
	    "Nous proposons des examens réguliers afin que les mesures suivent l'évolution des "
	    "technologies.",
	    "Des ateliers régionaux aideraient les pays en développement à mettre ces enseignements en "
	    "pratique." } },

	{ "ru", 12, " ", 0,
	  { "RU", "KZ", "BY", "KG" },
	  { { "Анна", 1 }, { "Дмитрий", 0 }, { "Елена", 1 }, { "Сергей", 0 }, { "Ольга", 1 },
	    { "Алексей", 0 }, { "Мария", 1 }, { "Игорь", 0 }, { "Наталья", 1 }, { "Павел", 0 } },
	  { { "Иванов", "Иванова" }, { "Смирнов", "Смирнова" }, { "Кузнецов", "Кузнецова" },
	    { "Попов", "Попова" }, { "Соколов", "Соколова" }, { "Волков", "Волкова" },
	    { "Новиков", "Новикова" }, { "Морозов", "Морозова" } },
	  { "Условное министерство цифрового развития (вымышленная организация)",
	    "ООО «Пример Телеком» (вымышленная компания)",
	    "Сеть гражданского общества «Пример» (вымышленная организация)",
	    "Лаборатория интернет-политики Университета «Пример» (вымышленная организация)",
	    "Группа сетевых операторов «Пример» (вымышленная организация)",
	    "Региональная организация развития «Пример» (вымышленная организация)",
	    "В личном качестве (вымышленное лицо)" },
	  { { "Советник по цифровой политике", NULL }, { "Руководитель отдела регуляторных вопросов", NULL },
	    { "Координатор программ", NULL }, { "Доцент", NULL }, { "Сетевой инженер", NULL },
	    { "Специалист по программам", NULL }, { "Независимый исследователь", NULL } },
	  { "Мы приветствуем консультацию на тему «%s».",
	    "Благодарим Рабочую группу за проведение консультации на тему «%s».",
	    "Наш вклад в консультацию на тему «%s» основан на нашей повседневной работе." },
	  { "Полноценное подключение к интернету по-прежнему недоступно для многих сельских и "
	    "отдалённых сообществ.",
	    "Сети местных сообществ и небольшие местные операторы могут расширить доступ там, где "
	    "крупные операторы не инвестируют.",
	    "Контент и услуги должны быть доступны на местных языках, включая интернационализированные "
	    "доменные имена и адреса электронной почты.",
	    "Многоязычный контент помогает людям использовать интернет для образования, здравоохранения "
	    "и получения государственных услуг.",
	    "Создание потенциала разработчиков политики, регуляторных органов и местных технических "
	    "сообществ должно оставаться долгосрочным приоритетом.",
	    "Программы развития цифровых навыков работают лучше, когда их разрабатывают вместе с "
	    "сообществами, для которых они предназначены.",
	    "Главным препятствием остаётся стоимость: базовый широкополосный доступ должен стоить "
	    "значительно меньше 2% среднего месячного дохода.",
	    "Политика в области использования спектра, совместное использование инфраструктуры и "
	    "справедливое налогообложение устройств могут снизить стоимость доступа.",
	    "Воздействие сетей и центров обработки данных на окружающую среду следует измерять "
	    "открытыми и сопоставимыми методами.",
	    "Ремонт, повторное использование и ответственная утилизация устройств сокращают объём "
	    "электронных отходов." },
	  { "Рекомендуем Рабочей группе распространять передовой опыт среди Государств-Членов и всех "
	    "заинтересованных сторон.",
	    "Международное сотрудничество должно поддерживать национальные и региональные инициативы, а "
	    "не подменять их.",
	    "Призываем МСЭ публиковать открытые данные, чтобы можно было измерять достигнутый прогресс.",
	    "Политику следует разрабатывать в консультации со всеми заинтересованными сторонами, включая "
	    "пользователей.",
	    "Предлагаем регулярно пересматривать меры, чтобы они не отставали от развития технологий.",
	    "Региональные семинары-практикумы помогли бы развивающимся странам применить этот опыт." } },

	{ "es", 17, " ", 0,
	  { "ES", "MX", "AR", "CO", "CL", "PE", "UY", "CR" },
	  { { "Lucía", 1 }, { "Javier", 0 }, { "Carmen", 1 }, { "Diego", 0 }, { "Valentina", 1 },
	    { "Mateo", 0 }, { "Sofía", 1 }, { "Andrés", 0 }, { "Paula", 1 }, { "Carlos", 0 } },
	  { { "Torres", NULL }, { "Ramos", NULL }, { "Morales", NULL }, { "Castillo", NULL }, { "Vargas", NULL }, { "Romero", NULL },
	    { "Herrera", NULL }, { "Navarro", NULL } },
	  { "Ministerio Ejemplo de Asuntos Digitales (ficticio)", "Ejemplo Telecom S.A. (empresa ficticia)",
	    "Red Ejemplo de la Sociedad Civil (ficticia)",
	    "Laboratorio de Políticas de Internet de la Universidad Ejemplo (ficticio)",
	    "Grupo Ejemplo de Operadores de Redes (ficticio)",
	    "Organización Regional Ejemplo para el Desarrollo (ficticia)",
	    "A título individual (persona ficticia)" },
	  { { "Asesor principal de políticas digitales", "Asesora principal de políticas digitales" },
	    { "Director de asuntos regulatorios", "Directora de asuntos regulatorios" },
	    { "Coordinador de programas", "Coordinadora de programas" },
	    { "Profesor titular", "Profesora titular" },
	    { "Ingeniero de redes", "Ingeniera de redes" },
	    { "Oficial de programas", NULL },
	    { "Investigador independiente", "Investigadora independiente" } },
	  { "Celebramos la consulta sobre «%s».",
	    "Agradecemos al Grupo de Trabajo la apertura de la consulta sobre «%s».",
	    "Nuestra contribución a la consulta sobre «%s» se basa en nuestro trabajo cotidiano." },
	  { "La conectividad significativa sigue fuera del alcance de muchas comunidades rurales y "
	    "remotas.",
	    "Las redes comunitarias y los pequeños operadores locales pueden ampliar el acceso donde los "
	    "grandes operadores no invierten.",
	    "Los contenidos y servicios deberían estar disponibles en los idiomas locales, incluidos los "
	    "nombres de dominio y las direcciones de correo electrónico internacionalizados.",
	    "Los contenidos multilingües ayudan a las personas a utilizar Internet para la educación, la "
	    "salud y los servicios públicos.",
	    "La creación de capacidades de los responsables políticos, los reguladores y las comunidades "
	    "técnicas locales debe seguir siendo una prioridad duradera.",
	    "Los programas de competencias digitales funcionan mejor cuando se diseñan junto con las "
	    "comunidades a las que se dirigen.",
	    "La asequibilidad sigue siendo el principal obstáculo: la banda ancha básica debería costar "
	    "bastante menos del 2\u00a0% del ingreso mensual medio.",
	    "La política de espectro, la compartición de infraestructuras y una fiscalidad justa de los "
	    "dispositivos pueden reducir el costo del acceso.",
	    "El impacto ambiental de las redes y los centros de datos debería medirse con métodos "
	    "abiertos y comparables.",
	    "La reparación, la reutilización y el reciclaje responsable de los dispositivos reducen los "
	    "residuos electrónicos." },
	  { "Recomendamos que el Grupo de Trabajo comparta buenas prácticas entre los Estados Miembros "
	    "y todas las partes interesadas.",
	    "La cooperación internacional debería apoyar las iniciativas nacionales y regionales, no "
	    "sustituirlas.",
	    "Alentamos a la UIT a publicar datos abiertos para poder medir los avances.",
	    "Las políticas deberían elaborarse en consulta con todas las partes interesadas, incluidos "
	    "los usuarios.",
	    "Proponemos revisiones periódicas para que las medidas sigan el ritmo de la tecnología.",
	    "La organización de talleres regionales ayudaría a los países en desarrollo a aplicar estas "
	    "lecciones." } },
};
#define NLANGS ((int)(sizeof(langs) / sizeof(langs[0])))

/* A demo round that can take responses: received in [from, until). */
struct round {
	char slug[80];
	int64_t from, until;
	struct consultation c;
};

/* One planned response: who (index) in which round, received when. Sorted by time so that
 * the ids follow the order of arrival. */
struct plan {
	int64_t at;
	uint32_t index;
	uint16_t round;
};

static void
plan_draw(struct rng *r, const struct round *rounds, int nrounds, struct plan *p)
{
	p->round = (uint16_t)rng_below(r, (uint64_t)nrounds);
	p->at = rounds[p->round].from + rng_within(r, rounds[p->round].until - rounds[p->round].from);
}

static int
plan_cmp(const void *a, const void *b)
{
	const struct plan *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static const struct demo_lang *
lang_draw(struct rng *r)
{
	unsigned total = 0, pick;

	for (int i = 0; i < NLANGS; i++)
		total += langs[i].weight;
	pick = (unsigned)rng_below(r, total);
	for (int i = 0; i < NLANGS; i++) {
		if (pick < langs[i].weight)
			return &langs[i];
		pick -= langs[i].weight;
	}
	return &langs[0];
}

static const char *
gendered(const struct gendered *g, int female)
{
	return female && g->f ? g->f : g->m;
}

/* Fills s with respondent p->index, its texts allocated from a. Returns 0, or -1 when out of
 * memory. */
static int
respondent_make(struct arena *a, const struct round *rounds, int nrounds, const struct plan *p,
		struct response_submit *s)
{
	struct rng r;
	struct plan again;
	const struct round *rd = &rounds[p->round];
	const struct demo_lang *l;
	const struct given *g;
	const char *surname, *title, *first, *second;
	enum lang code, got;
	int type = (int)(p->index % NTYPES), roll, sent, ncountries = 0;
	char *opener;

	rng_seed(&r, p->index);
	plan_draw(&r, rounds, nrounds, &again);	/* the same draws as the plan made */
	l = lang_draw(&r);
	g = &l->given[rng_below(&r, NGIVEN)];
	surname = gendered(&l->surname[rng_below(&r, NSURNAME)], g->female);
	memset(s, 0, sizeof(*s));
	s->slug = rd->slug;
	s->imported_at = p->at;
	s->in.name = l->surname_first ? arena_printf(a, "%s%s", surname, g->name)
				      : arena_printf(a, "%s %s", g->name, surname);
	s->in.organization = l->organization[type];
	s->in.job_title = gendered(&l->job[type], g->female);
	while (ncountries < 10 && l->countries[ncountries])
		ncountries++;
	s->in.country = l->countries[rng_below(&r, (uint64_t)ncountries)];
	s->in.stakeholder_type = stakeholder_types[type];
	s->in.email = arena_printf(a, "user.%u@example.org", p->index);
	/* Mostly by name; organizations sometimes; a few anonymous. Individuals have no
	 * organization to publish under. */
	roll = (int)rng_below(&r, 100);
	if (roll < 5)
		s->in.publish_as = "anonymous";
	else if (roll < 20 && strcmp(s->in.stakeholder_type, "individual") != 0)
		s->in.publish_as = "organization";
	else
		s->in.publish_as = "name";
	s->in.language = l->code;
	lang_from_code(l->code, &code);
	title = mtext_pick(&rd->c.title, code, &got);
	opener = arena_printf(a, l->opener[rng_below(&r, NOPEN)], title ? title : rd->slug);
	sent = (int)rng_below(&r, NSENT);
	first = l->sentence[sent];
	if (rng_below(&r, 3) == 0)
		s->in.summary = arena_printf(a, "%s%s%s", opener, l->sep, first);
	else
		s->in.summary = arena_printf(a, "%s%s%s%s%s", opener, l->sep, first, l->sep,
					     l->recommendation[rng_below(&r, NREC)]);
	for (int q = 1; q <= rd->c.nquestions; q++) {
		/* Most answer every question; at least the first is always answered. */
		if (q > 1 && rng_below(&r, 100) < 15)
			continue;
		first = l->sentence[(sent + q) % NSENT];
		second = rng_below(&r, 2) ? l->sentence[(sent + q + 1 + rng_below(&r, NSENT - 2)) % NSENT]
					  : l->recommendation[rng_below(&r, NREC)];
		s->in.answers[s->in.nanswers].question = q;
		s->in.answers[s->in.nanswers].text = arena_printf(a, "%s%s%s", first, l->sep, second);
		s->in.nanswers++;
	}
	if (s->in.name == NULL || s->in.email == NULL || opener == NULL || s->in.summary == NULL)
		return -1;
	for (int i = 0; i < s->in.nanswers; i++)
		if (s->in.answers[i].text == NULL)
			return -1;
	return 0;
}

/* The writer closure: one batch of responses, committed together. */
struct batch {
	struct response_submit *items;
	int n;
};

static int
batch_submit_fn(struct db *db, void *arg, struct err *e)
{
	struct batch *b = arg;

	for (int i = 0; i < b->n; i++)
		if (response_submit_fn(db, &b->items[i], e) != 0)
			return -1;
	return 0;
}

/* Reads, on a read connection, the demo rounds that can take responses (public and opened
 * before now: received up to their closing or now) and the number of responses stored.
 * Consultations are allocated from a. Returns 0, or -1 with e set. */
static int
rounds_load(const char *db_url, struct arena *a, struct round *rounds, int *nrounds,
	    int64_t *existing, struct err *e)
{
	struct db *db = NULL;
	struct db_stmt *st;
	int64_t now = clock_now();
	int rc = -1;

	*nrounds = 0;
	if (db_open(db_url, DB_READONLY, &db, e) != 0)
		return -1;
	for (const struct embedded *f = demo_files; f->path && *nrounds < MAX_ROUNDS; f++) {
		struct round *rd = &rounds[*nrounds];
		json_t *j;
		const char *slug;

		if (strcmp(f->path, "meetings.json") == 0 ||	/* the meetings, not a round */
		    strcmp(f->path, "consultation_meetings.json") == 0)
			continue;
		j = json_loadb(f->data, f->len, 0, NULL);
		slug = json_string_value(json_object_get(j, "slug"));
		if (slug == NULL) {
			json_decref(j);
			err_set(e, ERR_INTERNAL, "%s: no slug", f->path);
			goto out;
		}
		snprintf(rd->slug, sizeof(rd->slug), "%s", slug);
		json_decref(j);
		if (consultation_get(db, a, rd->slug, &rd->c, e) != 0)
			goto out;
		if (strcmp(rd->c.state, "draft") == 0)
			continue;
		rd->from = rd->c.opens_at;
		rd->until = rd->c.closes_at < now ? rd->c.closes_at : now;
		if (rd->until > rd->from)
			(*nrounds)++;
	}
	if ((st = db_prepare(db, SQL_COUNT)) == NULL || db_step(st) != DB_ROW) {
		db_err(db, e, "responses");
		goto out;
	}
	*existing = db_col_int64(st, 0);
	db_done(st);
	rc = 0;
out:
	db_close(db);
	return rc;
}

int
cli_demo_responses(struct cli_store *s, long n)
{
	struct arena *keep = NULL, *a = NULL;
	struct round rounds[MAX_ROUNDS];
	struct plan *plan = NULL;
	struct batch b = { NULL, 0 };
	struct field_errors fe;
	struct err e;
	int nrounds = 0, tty = isatty(2), rc = 1;
	int64_t existing = 0;
	long done = 0;
	const char *nl = "";	/* ends the progress line before an error */

	if (n == 0) {
		printf("Demo data: 0 response(s) added\n");
		return 0;
	}
	if (country_load(COUNTRY_JSON, &e) != 0) {
		fprintf(stderr, "agora demo: %s\n", e.msg);
		return 1;
	}
	if ((keep = arena_new()) == NULL || (plan = calloc((size_t)n, sizeof(*plan))) == NULL ||
	    (b.items = calloc(BATCH, sizeof(*b.items))) == NULL) {
		fprintf(stderr, "agora demo: out of memory\n");
		goto out;
	}
	if (rounds_load(s->db_url, keep, rounds, &nrounds, &existing, &e) != 0) {
		fprintf(stderr, "agora demo: %s\n", e.msg);
		goto out;
	}
	if (nrounds == 0) {
		fprintf(stderr, "agora demo: no demo round has opened yet\n");
		goto out;
	}
	for (long i = 0; i < n; i++) {
		struct rng r;

		plan[i].index = (uint32_t)(existing + i + 1);
		rng_seed(&r, plan[i].index);
		plan_draw(&r, rounds, nrounds, &plan[i]);
	}
	qsort(plan, (size_t)n, sizeof(*plan), plan_cmp);
	while (done < n) {
		if ((a = arena_new()) == NULL) {
			fprintf(stderr, "%sagora demo: out of memory\n", nl);
			goto out;
		}
		for (b.n = 0; b.n < BATCH && done + b.n < n; b.n++) {
			const struct plan *p = &plan[done + b.n];
			struct response_submit *it = &b.items[b.n];

			if (respondent_make(a, rounds, nrounds, p, it) != 0) {
				fprintf(stderr, "%sagora demo: out of memory\n", nl);
				goto out;
			}
			fe.n = 0;
			if (response_validate(&it->in, &rounds[p->round].c, &fe) != 0) {
				fprintf(stderr, "%sagora demo: generated response %u: %s: %s\n", nl,
					p->index, fe.e[0].field, fe.e[0].msg);
				goto out;
			}
		}
		if (writer_run(s->writer, batch_submit_fn, &b, &e) != 0) {
			fprintf(stderr, "%sagora demo: %s\n", nl, e.msg);
			goto out;
		}
		done += b.n;
		arena_free(a);
		a = NULL;
		if (tty) {
			fprintf(stderr, "\rAdding demo responses: %ld/%ld", done, n);
			nl = "\n";
		}
	}
	fprintf(stderr, "%s", nl);
	printf("Demo data: %ld response(s) added\n", n);
	rc = 0;
out:
	if (rc != 0 && done > 0)
		fprintf(stderr, "agora demo: %ld response(s) were added before the error\n", done);
	arena_free(a);
	arena_free(keep);
	free(b.items);
	free(plan);
	return rc;
}
