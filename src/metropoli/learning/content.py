# ruff: noqa: E501 - lesson prose and HTML read better unwrapped
"""The lessons every Metrópoli starts with (Spanish first; staff edit them at /arbol/aprende/contenido/).

Used by the data migration (so every database has them) and by `metropoli load_demo`.
`seed()` takes the model classes so the migration can pass its historical models.
"""

LESSONS = [
    {
        "slug": "buen-registro",
        "title": "Cómo hacer un buen registro de un árbol",
        "summary": "Fotos, ubicación y datos: lo que necesita un experto para validar tu árbol.",
        "level": "observer",
        "order": 1,
        "body": """
<p>Cada árbol que registras se suma al inventario de tu municipio y ayuda a calcular cuánta
lluvia intercepta, cuánto carbono guarda y cuánta sombra da. Un buen registro se valida rápido;
uno incompleto regresa con preguntas.</p>
<h2>1. La ubicación</h2>
<ul>
<li>Párate junto al tronco y espera a que el GPS del teléfono marque una precisión de 10 m o menos.</li>
<li>Si el punto cae en medio de la calle o dentro de una casa, muévelo en el mapa hasta el tronco.</li>
<li>Antes de guardar, revisa si el árbol ya estaba registrado: la aplicación te avisa de árboles a menos de 2 m.</li>
</ul>
<h2>2. Las fotos</h2>
<ul>
<li><strong>Una foto del árbol completo</strong>, desde unos pasos atrás, con la copa y el tronco.</li>
<li><strong>Una foto de cerca de las hojas</strong> (y de las flores o frutos si los tiene): es lo que más ayuda a identificar la especie.</li>
<li>Una foto de la corteza si algo se ve raro: grietas, hongos, túneles de tierra.</li>
<li>No fotografíes a personas ni placas de coches.</li>
</ul>
<h2>3. Los datos</h2>
<ul>
<li><strong>Especie</strong>: si no estás seguro, elige «No sé». Es mejor que adivinar; un experto la completará.</li>
<li><strong>Diámetro del tronco (DAP)</strong>: medido a 1.30 m del suelo (ver la lección «Cómo medir el DAP»).</li>
<li><strong>Condición</strong>: buena, regular, mala o muerto. Si ves plagas o riesgo, anótalo en las notas.</li>
</ul>
<h2>Qué pasa después</h2>
<p>Expertos certificados y arbolistas municipales revisan cada registro en Treender. Si corrigen
algo, te avisamos qué cambió, por qué y qué lección te puede ayudar.</p>
""",
        "quiz": {
            "slug": "quiz-buen-registro",
            "title": "¿Listo para registrar?",
            "questions": [
                (
                    "No sabes qué especie es el árbol. ¿Qué haces?",
                    "Elegir «No sé» es lo correcto: un experto completará la especie. Adivinar "
                    "produce errores que después hay que corregir.",
                    [
                        ("Elijo la especie que más se le parezca", False),
                        ("Elijo «No sé» y tomo una buena foto de las hojas", True),
                        ("No registro el árbol", False),
                    ],
                ),
                (
                    "¿Qué foto ayuda más a identificar la especie?",
                    "Las hojas, flores y frutos de cerca son lo que distingue a una especie de otra.",
                    [
                        ("Una foto de cerca de las hojas, flores o frutos", True),
                        ("Una foto de la calle", False),
                        ("Una foto del suelo bajo el árbol", False),
                    ],
                ),
                (
                    "El punto del GPS cae en medio de la calle. ¿Qué haces?",
                    "Mueve el punto hasta el tronco: una ubicación precisa evita duplicados y "
                    "permite encontrar el árbol después.",
                    [
                        ("Lo dejo así", False),
                        ("Muevo el punto en el mapa hasta el tronco", True),
                        ("Escribo la dirección en las notas y no muevo nada", False),
                    ],
                ),
            ],
        },
    },
    {
        "slug": "medir-dap",
        "title": "Cómo medir el diámetro del tronco (DAP) a 1.30 m",
        "summary": "Con una cinta métrica y una división: el dato más importante para calcular los beneficios de un árbol.",
        "level": "observer",
        "order": 2,
        "body": """
<p>El <abbr title="diámetro a la altura del pecho">DAP</abbr> es el diámetro del tronco medido a
<strong>1.30 m sobre el suelo</strong>. Con él se estima la edad, el tamaño de la copa y los
servicios ambientales del árbol (carbono, agua de lluvia, sombra). Un error de medición cambia
mucho esos cálculos.</p>
<h2>Lo que necesitas</h2>
<ul>
<li>Una cinta métrica flexible (de costura sirve) o una cinta diamétrica.</li>
<li>Una marca de 1.30 m: mide una vez tu propio cuerpo (por ejemplo, a la altura de tu pecho o de un bolsillo) y úsala de referencia.</li>
</ul>
<h2>Paso a paso</h2>
<ol>
<li>Párate junto al tronco, del lado <strong>cuesta arriba</strong> si el terreno tiene pendiente.</li>
<li>Ubica el punto a 1.30 m del suelo.</li>
<li>Rodea el tronco con la cinta, horizontal y bien pegada, sin pasar sobre ramas, clavos o enredaderas.</li>
<li>Lee la <strong>circunferencia</strong> (el perímetro) en centímetros.</li>
<li>Divide entre 3.1416 (π). Ejemplo: 94 cm ÷ 3.1416 = <strong>29.9 cm de DAP</strong>.</li>
</ol>
<p>Si usas una cinta diamétrica, lee directamente el diámetro: ya viene dividida entre π.</p>
<h2>Casos especiales</h2>
<table>
<caption>Dónde medir cuando el tronco no es sencillo</caption>
<thead><tr><th scope="col">Caso</th><th scope="col">Qué hacer</th></tr></thead>
<tbody>
<tr><td>Árbol inclinado</td><td>Mide 1.30 m a lo largo del tronco, por el lado de abajo de la inclinación, y rodea el tronco perpendicular a él.</td></tr>
<tr><td>Bulto, herida o rama justo a 1.30 m</td><td>Mide un poco arriba, donde el tronco vuelve a ser normal, y anótalo en las notas.</td></tr>
<tr><td>Tronco que se divide antes de 1.30 m</td><td>Cada tronco cuenta: mide cada uno a 1.30 m y anota las medidas en las notas.</td></tr>
<tr><td>Palmas</td><td>Mide igual, a 1.30 m; el tronco de una palma casi no engorda con la edad, pero el dato sirve para el inventario.</td></tr>
</tbody>
</table>
<h2>Errores comunes</h2>
<ul>
<li>Anotar la circunferencia en lugar del diámetro (el valor queda 3 veces más grande).</li>
<li>Medir a la altura de la cintura o en la base, donde el tronco se ensancha.</li>
<li>Confundir centímetros con pulgadas.</li>
</ul>
""",
        "quiz": {
            "slug": "quiz-medir-dap",
            "title": "Práctica: DAP",
            "questions": [
                (
                    "¿A qué altura se mide el DAP?",
                    "El DAP se mide a 1.30 m sobre el suelo (del lado cuesta arriba si hay pendiente).",
                    [
                        ("En la base del tronco", False),
                        ("A 1.30 m del suelo", True),
                        ("A 2 m del suelo", False),
                    ],
                ),
                (
                    "Mediste una circunferencia de 157 cm. ¿Cuál es el DAP?",
                    "157 ÷ 3.1416 ≈ 50 cm.",
                    [("157 cm", False), ("Unos 50 cm", True), ("Unos 25 cm", False)],
                ),
                (
                    "Justo a 1.30 m hay un bulto en el tronco. ¿Dónde mides?",
                    "El bulto exagera el diámetro: mide un poco arriba, donde el tronco es normal, "
                    "y anótalo.",
                    [
                        ("Sobre el bulto", False),
                        ("Un poco arriba del bulto, donde el tronco es normal", True),
                        ("En la base", False),
                    ],
                ),
            ],
        },
    },
    {
        "slug": "arboles-comunes-guadalajara",
        "title": "Los árboles más comunes en las calles de Guadalajara",
        "summary": "Jacaranda, fresno, pirul, tabachín, primavera, rosa morada, ficus, palma, eucalipto, guamúchil y huizache: cómo distinguirlos.",
        "level": "observer",
        "order": 3,
        "body": """
<p>Casi todos los árboles de las calles del área metropolitana pertenecen a unas pocas especies.
Fíjate primero en <strong>las hojas</strong>: ¿simples o compuestas (hechas de muchas hojitas o
folíolos)? Luego en las flores, los frutos, la corteza y, si tiene, las espinas.</p>
<h2>Con hojas compuestas muy finas (como helecho)</h2>
<dl>
<dt>Jacaranda (<em>Jacaranda mimosifolia</em>)</dt>
<dd>Hojas plumosas muy finas. Flores lila-azuladas en racimos de febrero a abril, a menudo sin hojas. Fruto: cápsula café, redonda y plana, como castañuela. No tiene espinas.</dd>
<dt>Tabachín (<em>Delonix regia</em>)</dt>
<dd>Hojas plumosas grandes. Flores rojo-anaranjado intenso en primavera y verano. Vainas leñosas oscuras, planas y largas (hasta 50 cm). Copa ancha en forma de sombrilla.</dd>
<dt>Huizache (<em>Vachellia farnesiana</em>)</dt>
<dd>Arbusto o árbol bajo con hojas plumosas diminutas y <strong>espinas blancas en pares</strong>. Flores en bolitas amarillas muy perfumadas.</dd>
<dt>Guamúchil (<em>Pithecellobium dulce</em>)</dt>
<dd>Cada hoja tiene solo dos pares de folíolos redondeados. Espinas cortas en pares. Vainas enroscadas, rojizas, con pulpa blanca comestible.</dd>
</dl>
<h2>Con hojas compuestas de folíolos más grandes</h2>
<dl>
<dt>Fresno (<em>Fraxinus uhdei</em>)</dt>
<dd>Hojas con 5 a 9 folíolos alargados de borde aserrado, en pares opuestos. Corteza gris con fisuras. Frutos alados (sámaras) en racimos. Muy plantado y muy afectado por el muérdago.</dd>
<dt>Pirul (<em>Schinus molle</em>)</dt>
<dd>Ramas colgantes y hojas con muchos folíolos angostos que huelen a pimienta al frotarlos. Frutitos rosados en racimos. Corteza rugosa y tronco a menudo torcido.</dd>
<dt>Primavera (<em>Roseodendron donnell-smithii</em>)</dt>
<dd>Hojas palmeadas (5 a 7 folíolos que salen de un mismo punto). Flores amarillas en trompeta al final del invierno, cuando el árbol está sin hojas.</dd>
<dt>Rosa morada (<em>Tabebuia rosea</em>)</dt>
<dd>También de hojas palmeadas de 5 folíolos. Flores en trompeta rosa-lila de febrero a abril. Vainas largas y delgadas.</dd>
</dl>
<h2>Con hojas simples</h2>
<dl>
<dt>Ficus (<em>Ficus benjamina</em>, <em>Ficus microcarpa</em>)</dt>
<dd>Hojas simples, brillantes, de borde liso; al cortarlas sale <strong>látex blanco</strong>. Raíces superficiales que levantan banquetas. Higos pequeños pegados a las ramas.</dd>
<dt>Eucalipto (<em>Eucalyptus camaldulensis</em>)</dt>
<dd>Hojas largas y angostas en forma de hoz, que huelen a eucalipto al frotarlas. Corteza lisa que se desprende en tiras. Árbol alto.</dd>
</dl>
<h2>Las palmas</h2>
<p>La palma abanico (<em>Washingtonia robusta</em>) tiene hojas en forma de abanico y tronco
delgado y muy alto; la palma canaria (<em>Phoenix canariensis</em>) tiene hojas en forma de
pluma y tronco grueso. Las palmas no son árboles en sentido botánico, pero se registran en el
inventario.</p>
<h2>Confusiones frecuentes</h2>
<ul>
<li><strong>Jacaranda y tabachín</strong>: sin flores, mira el fruto: castañuela redonda (jacaranda) o vaina larga (tabachín).</li>
<li><strong>Primavera y rosa morada</strong>: el color de la flor lo dice (amarillo o rosa); sin flores, pide ayuda y elige «No sé».</li>
<li><strong>Huizache y guamúchil</strong>: los dos tienen espinas; el guamúchil tiene folíolos grandes y redondos, el huizache diminutos.</li>
</ul>
""",
        "quiz": {
            "slug": "quiz-arboles-comunes",
            "title": "¿Qué árbol es?",
            "questions": [
                (
                    "Hojas plumosas finas, flores lila en marzo, fruto redondo y plano. ¿Qué árbol es?",
                    "Es la jacaranda: su fruto en forma de castañuela la distingue del tabachín.",
                    [("Tabachín", False), ("Jacaranda", True), ("Fresno", False)],
                ),
                (
                    "Al cortar una hoja sale látex blanco, y sus raíces levantan la banqueta.",
                    "Los ficus tienen látex blanco y raíces superficiales muy agresivas.",
                    [("Ficus", True), ("Eucalipto", False), ("Pirul", False)],
                ),
                (
                    "Hojas con 5 a 9 folíolos aserrados, frutos alados en racimos.",
                    "El fresno tiene hojas compuestas con folíolos aserrados y sámaras.",
                    [("Rosa morada", False), ("Fresno", True), ("Huizache", False)],
                ),
                (
                    "Hojas que huelen a pimienta al frotarlas y ramas colgantes.",
                    "El pirul (Schinus molle) huele a pimienta; sus frutos rosados se usan como pimienta rosa.",
                    [("Pirul", True), ("Guamúchil", False), ("Primavera", False)],
                ),
            ],
        },
    },
    {
        "slug": "enfermedades-y-plagas",
        "title": "Señales de enfermedades y plagas: muérdago, termitas y hongos",
        "summary": "Cómo reconocer los problemas de salud más comunes del arbolado de Guadalajara y cuándo señalarlos.",
        "level": "recorder",
        "order": 4,
        "body": """
<p>Un árbol enfermo no siempre se ve mal de lejos. Estas son las señales que más conviene
reconocer en el área metropolitana. Si ves alguna, regístrala o, en Treender, desliza hacia
arriba para <strong>señalar</strong> el árbol: llegará a la cola de trabajo de los arbolistas del
municipio.</p>
<h2>Muérdago</h2>
<p>El muérdago es una planta parásita que vive sobre las ramas y les roba agua y nutrientes.
En Guadalajara es uno de los problemas más serios del arbolado: afecta sobre todo a fresnos,
jacarandas, mezquites y huizaches, y puede secar un árbol en pocos años.</p>
<ul>
<li>Matas verdes, más oscuras o amarillentas que el follaje del árbol, con hojas de otra forma.</li>
<li>Se ven mejor cuando el árbol pierde sus hojas: parecen «nidos» verdes en la copa.</li>
<li>Algunas especies dan flores tubulares rojo-anaranjadas que atraen colibríes.</li>
<li>Abultamientos donde la mata se une a la rama, y ramas secas más allá de ese punto.</li>
</ul>
<p>No intentes quitarlo tú: la rama infestada debe podarla personal capacitado, por debajo del
punto de unión.</p>
<h2>Termitas</h2>
<ul>
<li>Túneles o costras de tierra que suben por la corteza.</li>
<li>Madera que suena hueca al golpearla suavemente, o que se deshace.</li>
<li>Aserrín fino o pequeñas alas en la base del tronco tras las lluvias.</li>
</ul>
<h2>Hongos de pudrición</h2>
<ul>
<li>«Repisas» u «orejas» duras o carnosas en el tronco, en ramas grandes o en la base.</li>
<li>Madera blanda, esponjosa o con cavidades.</li>
<li>Hongos en la base del tronco o sobre las raíces: las raíces pueden estar podridas y el árbol puede caer aunque su copa se vea verde. Márcalo también como <strong>riesgo</strong>.</li>
</ul>
<h2>Otras plagas frecuentes</h2>
<ul>
<li><strong>Trips del ficus</strong>: hojas dobladas o enrolladas como taquitos, con puntitos negros dentro.</li>
<li><strong>Escamas y cochinillas</strong>: costras blancas o cafés pegadas a ramas y hojas; a veces una capa negra como hollín (fumagina).</li>
</ul>
""",
        "quiz": {
            "slug": "quiz-enfermedades-plagas",
            "title": "Práctica: salud del árbol",
            "questions": [
                (
                    "En un fresno sin hojas ves matas verdes como nidos en la copa. ¿Qué es lo más probable?",
                    "Son matas de muérdago: se ven mejor cuando el árbol hospedero pierde sus hojas.",
                    [
                        ("Nidos de pájaro", False),
                        ("Muérdago", True),
                        ("Brotes nuevos del fresno", False),
                    ],
                ),
                (
                    "Hay túneles de tierra subiendo por la corteza. ¿Qué señalas?",
                    "Los túneles de tierra son típicos de las termitas: señala «plaga».",
                    [
                        ("Plaga (termitas)", True),
                        ("Nada, es normal", False),
                        ("Árbol muerto", False),
                    ],
                ),
                (
                    "Ves hongos en forma de repisa en la base del tronco. ¿Qué marcas?",
                    "Los hongos en la base indican pudrición de raíces: es enfermedad y también riesgo de caída.",
                    [
                        ("Solo enfermedad", False),
                        ("Enfermedad y riesgo de caída", True),
                        ("Nada, los hongos no dañan", False),
                    ],
                ),
            ],
        },
    },
    {
        "slug": "senales-de-riesgo",
        "title": "Señales de riesgo: grietas, inclinación, ramas muertas y raíces dañadas",
        "summary": "Qué mirar para saber si un árbol podría caer o perder una rama, y qué hacer.",
        "level": "recorder",
        "order": 5,
        "body": """
<p>Cada temporada de lluvias caen árboles y ramas en el área metropolitana. Muchos mostraban
señales antes. Reconocerlas a tiempo permite que el municipio inspeccione y actúe.</p>
<p><strong>Si el peligro es inmediato</strong> (un árbol o una rama a punto de caer sobre una
calle, una casa o cables), llama al 911 o a Protección Civil; no esperes a la validación.</p>
<h2>En el tronco</h2>
<ul>
<li><strong>Grietas</strong> profundas, sobre todo las que atraviesan el tronco o se abren con el viento.</li>
<li><strong>Cavidades</strong> grandes o madera podrida.</li>
<li><strong>Uniones en «V»</strong> entre dos troncos con corteza metida entre ellos: se abren con facilidad.</li>
</ul>
<h2>Inclinación</h2>
<ul>
<li>Una inclinación antigua, con la copa compensada, suele ser estable.</li>
<li>Una inclinación <strong>reciente</strong> es peligrosa: el suelo se levanta o se agrieta del lado contrario, se ven raíces rotas o expuestas.</li>
</ul>
<h2>En la copa</h2>
<ul>
<li><strong>Ramas muertas</strong> (sin hojas ni corteza en temporada de hojas) sobre la calle o la banqueta.</li>
<li><strong>Ramas colgadas</strong>: quebradas y atoradas en la copa.</li>
<li>Copa muy desequilibrada hacia un lado después de podas mal hechas.</li>
</ul>
<h2>En las raíces</h2>
<ul>
<li>Raíces cortadas por zanjas, obras de banqueta o instalación de tuberías, a menos de 2 m del tronco.</li>
<li>Tierra agrietada o levantada alrededor de la base.</li>
<li>Hongos sobre raíces o en la base.</li>
</ul>
<h2>Un árbol muerto</h2>
<p>No tiene hojas en plena temporada de lluvias, la corteza se desprende en placas y las
ramitas se quiebran secas. Márcalo como <strong>muerto</strong>: también es riesgo.</p>
""",
        "quiz": {
            "slug": "quiz-senales-riesgo",
            "title": "Práctica: riesgo",
            "questions": [
                (
                    "Un árbol se inclinó en la última tormenta y el suelo está levantado del otro lado. ¿Qué haces?",
                    "Es una inclinación reciente con raíces rotas: riesgo alto. Si amenaza a personas, llama al 911.",
                    [
                        ("Nada, muchos árboles están inclinados", False),
                        (
                            "Lo señalo como riesgo de caída (y llamo al 911 si el peligro es inmediato)",
                            True,
                        ),
                        ("Lo registro como condición buena", False),
                    ],
                ),
                (
                    "¿Cuál de estas es una señal de riesgo en la copa?",
                    "Las ramas colgadas pueden caer en cualquier momento.",
                    [
                        ("Flores abundantes", False),
                        ("Una rama quebrada colgando", True),
                        ("Hojas nuevas", False),
                    ],
                ),
                (
                    "Una zanja para tubería cortó raíces a 1 m del tronco. ¿Es señal de riesgo?",
                    "Sí: las raíces cortadas cerca del tronco reducen el anclaje del árbol.",
                    [("Sí", True), ("No", False)],
                ),
            ],
        },
    },
    {
        "slug": "validar-en-treender",
        "title": "Cómo validar en Treender",
        "summary": "Los criterios de los expertos: cuándo confirmar, corregir, rechazar o señalar un registro.",
        "level": "expert",
        "order": 6,
        "body": """
<p>Treender muestra un registro a la vez: la foto, la especie, el diámetro y la ubicación.
Tu voto, junto con el de otros expertos o el de un arbolista municipal, decide si el registro
entra al inventario validado.</p>
<h2>Los cuatro gestos</h2>
<table>
<caption>Gestos, botones y teclas</caption>
<thead><tr><th scope="col">Gesto</th><th scope="col">Tecla</th><th scope="col">Significa</th></tr></thead>
<tbody>
<tr><td>Deslizar a la derecha</td><td>→</td><td><strong>Confirmar</strong>: la especie y el diámetro son correctos.</td></tr>
<tr><td>Deslizar a la izquierda</td><td>←</td><td><strong>Necesita corrección</strong>: explica por qué y, si puedes, da la especie o el diámetro correctos.</td></tr>
<tr><td>Deslizar hacia arriba</td><td>↑</td><td><strong>Señalar</strong>: enfermedad, plaga, riesgo de caída o árbol muerto. Llega a la cola de trabajo del municipio.</td></tr>
<tr><td>Botón «Rechazar»</td><td>R</td><td>No es un árbol, la foto no sirve, o es un duplicado.</td></tr>
</tbody>
</table>
<h2>Criterios</h2>
<ul>
<li>Confirma solo lo que puedes ver en la foto. Si la foto no permite saberlo, corrige pidiendo otra foto en lugar de confirmar.</li>
<li>Un diámetro es plausible si coincide con lo que se ve: un arbolito recién plantado no mide 80 cm.</li>
<li>Si el registro dice «especie desconocida» y tú la reconoces, usa «necesita corrección» y da la especie: es la mejor ayuda.</li>
<li>Escribe el motivo pensando en quien registró: clara, amable y con algo que pueda aprender.</li>
</ul>
<h2>Cómo se decide</h2>
<p>Un arbolista municipal decide solo. Si no, deciden dos votos de expertos que coincidan; cada
voto pesa según qué tan seguido han coincidido tus votos con las decisiones finales. Cuando los
expertos no coinciden, el registro pasa a un arbolista.</p>
<p>Nunca verás tus propios registros ni uno en el que ya votaste.</p>
""",
        "quiz": {
            "slug": "certificacion-experto",
            "title": "Examen de certificación de experto",
            "is_certification": True,
            "pass_mark": 0.8,
            "questions": [
                (
                    "La foto muestra un árbol de hojas plumosas con vainas largas y oscuras, registrado como jacaranda. ¿Qué votas?",
                    "Las vainas largas y leñosas son de tabachín: necesita corrección, con la especie correcta.",
                    [
                        ("Confirmar", False),
                        ("Necesita corrección: es un tabachín", True),
                        ("Rechazar", False),
                    ],
                ),
                (
                    "Un árbol joven de 2 m de alto está registrado con 85 cm de DAP. ¿Qué votas?",
                    "El diámetro no es plausible; probablemente anotaron la circunferencia. Corrige y explica cómo medir.",
                    [
                        ("Confirmar", False),
                        ("Necesita corrección del diámetro", True),
                        ("Señalar como riesgo", False),
                    ],
                ),
                (
                    "La foto es de un poste de luz. ¿Qué votas?",
                    "No es un árbol: se rechaza, con una explicación amable.",
                    [("Rechazar", True), ("Confirmar", False), ("Necesita corrección", False)],
                ),
                (
                    "El registro es correcto pero se ven matas de muérdago en la copa. ¿Qué haces?",
                    "Señalar (deslizar hacia arriba) con «plaga» confirma el registro y lo manda a la cola de trabajo.",
                    [("Señalar: plaga (muérdago)", True), ("Rechazar", False), ("Nada", False)],
                ),
                (
                    "¿A qué altura se mide el DAP?",
                    "A 1.30 m del suelo.",
                    [("1.30 m", True), ("1 m", False), ("En la base", False)],
                ),
            ],
        },
    },
]


def seed(Lesson, Quiz, Question, Choice) -> int:  # noqa: N803 - model classes
    """Create the lessons that do not exist yet (staff edits to existing ones are kept)."""
    created = 0
    for spec in LESSONS:
        if Lesson.objects.filter(slug=spec["slug"]).exists():
            continue
        lesson = Lesson.objects.create(
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            body=spec["body"].strip(),
            level=spec["level"],
            order=spec["order"],
        )
        created += 1
        quiz_spec = spec["quiz"]
        if Quiz.objects.filter(slug=quiz_spec["slug"]).exists():
            continue
        quiz = Quiz.objects.create(
            lesson=lesson,
            slug=quiz_spec["slug"],
            title=quiz_spec["title"],
            is_certification=quiz_spec.get("is_certification", False),
            pass_mark=quiz_spec.get("pass_mark", 0.8),
        )
        for q_order, (text, explanation, choices) in enumerate(quiz_spec["questions"], 1):
            question = Question.objects.create(
                quiz=quiz, order=q_order, text=text, explanation=explanation
            )
            Choice.objects.bulk_create(
                Choice(question=question, order=c_order, text=choice, is_correct=correct)
                for c_order, (choice, correct) in enumerate(choices, 1)
            )
    return created
