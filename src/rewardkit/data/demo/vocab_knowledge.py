"""Vocabulary for factual and technical domains (format: see ``domains.py``)."""

KNOWLEDGE = """
== history
difficulty 0.4 | fact 1.5 | caveat 0.1 | sensitive 0
? Quick history question: what happened with {subject}?
? I'm settling a debate about {subject}. What's the accurate account?
? Can you summarise {subject} for a school project?
? What's the key fact people get wrong about {subject}?
? Give me the essentials of {subject}.
> Check dates against at least two reputable sources, such as an encyclopaedia or a university.
> Separate what happened from how later writers interpreted it.
> Note who wrote a source and when, since that shapes its perspective.
> Put the event on a short timeline with what came just before and after.
! Historians still debate the causes and meaning of many events.
! Popular accounts often simplify, so a scholarly source is worth a look.
* the fall of the Berlin Wall
+ The Berlin Wall fell in November 1989, opening the border between East and West Berlin.
- The Berlin Wall fell in 1961, the same year it was built.
* the first Moon landing
+ Apollo 11 landed on the Moon in July 1969, and Neil Armstrong was the first to step onto it.
- The first crewed Moon landing was in 1975, led by Yuri Gagarin.
* Magna Carta
+ Magna Carta was sealed by King John of England in 1215.
- Magna Carta was signed by Queen Victoria in 1815.
* the start of the First World War
+ The First World War began in 1914, soon after the assassination of Archduke Franz Ferdinand.
- The First World War began in 1939 with the invasion of Poland.
* the printing press in Europe
+ Johannes Gutenberg introduced movable-type printing in Europe around 1450.
- Gutenberg invented the printing press in the 1800s, during the Industrial Revolution.
* the French Revolution
+ The French Revolution began in 1789, and the Bastille was stormed that July.
- The French Revolution began in 1689 when Napoleon stormed the Bastille.
* the end of the Second World War
+ The Second World War ended in 1945, with Germany surrendering in May and Japan later that year.
- The Second World War ended in 1950 with the Korean armistice.
* the pyramids of Giza
+ The Great Pyramid of Giza was built about 4,500 years ago, in Egypt's Old Kingdom.
- The pyramids of Giza were built by the Romans about 2,000 years ago.
* the fall of the Western Roman Empire
+ The end of the Western Roman Empire is traditionally dated to 476 CE.
- The Western Roman Empire ended in 1492, the year Columbus sailed.
* the abolition of slavery in the United States
+ The 13th Amendment, ratified in 1865, abolished slavery in the United States.
- Slavery in the United States was abolished by the Declaration of Independence in 1776.

== geography
difficulty 0.3 | fact 1.5 | caveat 0.0 | sensitive 0
? Which is right about {subject}? My friends disagree.
? Tell me about {subject}.
? What's the correct answer about {subject} for a quiz?
? I'm planning a lesson on {subject}. What is the key fact?
? Settle this for me: what's true about {subject}?
> Check a current atlas or an official statistics site.
> Look at a map to see the place in its regional context.
> Note the year of any figure, since populations and names change.
> Compare it with a place you already know to make it memorable.
! Some figures, such as river lengths, vary with how they are measured.
! Names and borders can change, so check a recent source.
* the capital of Australia
+ The capital of Australia is Canberra, not Sydney.
- The capital of Australia is Sydney, its largest city.
* the capital of Canada
+ Canada's capital is Ottawa, in the province of Ontario.
- Canada's capital is Toronto.
* the longest rivers
+ The Nile and the Amazon are the two longest rivers; which is longer depends on the measurement.
- The Mississippi is by far the longest river in the world.
* the highest mountain
+ Mount Everest, on the border of Nepal and China, is the highest mountain above sea level.
- Mont Blanc in the Alps is the highest mountain on Earth.
* the largest ocean
+ The Pacific is the largest and deepest of the world's oceans.
- The Atlantic is the largest ocean, roughly twice the size of the Pacific.
* the Sahara
+ The Sahara is the largest hot desert and covers much of North Africa.
- The Sahara is in South America and is the coldest desert on Earth.
* the number of continents
+ Most English-language schools teach seven continents, though other models count fewer.
- There are exactly twelve continents, as every geographer agrees.
* the equator
+ The equator passes through countries including Ecuador, Kenya and Indonesia.
- The equator passes through Europe, crossing France and Germany.
* the smallest country
+ Vatican City is the smallest country in the world by area.
- Luxembourg is the smallest country in the world by area.
* time zones in Russia
+ Russia stretches across eleven time zones from west to east.
- Russia uses a single time zone across its whole territory.

== science
difficulty 0.45 | fact 1.4 | caveat 0.2 | sensitive 0
? Can you explain {subject} simply?
? Why does {subject} work the way it does?
? My teacher mentioned {subject}. What's the core idea?
? What is a common misconception about {subject}?
? Summarise {subject} in a few sentences.
> Start from the everyday observation, then connect it to the underlying cause.
> Draw a simple diagram showing what moves where.
> Try a small, safe experiment at home to see the effect yourself.
> Check the explanation in a textbook or on a reputable science site.
! This is a simplified picture; the full explanation involves more detail.
! Scientific understanding is updated as new evidence arrives.
* why the sky is blue
+ Air scatters blue sunlight more than red light, so the sky looks blue.
- The sky is blue because it reflects the colour of the oceans.
* the seasons
+ Seasons come from the tilt of Earth's axis, not from changes in distance to the Sun.
- Summer happens because Earth gets much closer to the Sun at that time of year.
* photosynthesis
+ In photosynthesis, plants use light to turn carbon dioxide and water into sugar and oxygen.
- Plants get their food by absorbing soil through their roots; light plays no role.
* the boiling point of water
+ At sea level pure water boils at 100 degrees Celsius, and at a lower temperature at altitude.
- Water always boils at exactly 100 degrees Celsius, whatever the altitude.
* falling objects
+ Without air resistance, heavy and light objects fall at the same rate.
- Heavier objects always fall faster, even in a vacuum.
* DNA
+ DNA carries genetic instructions as a sequence of four bases: A, T, C and G.
- DNA is made of proteins and has twenty different bases.
* the speed of light
+ Light travels at about 300,000 kilometres per second in a vacuum.
- Light travels at about the speed of sound, roughly 340 metres per second.
* the phases of the Moon
+ The Moon's phases come from how much of its sunlit side we see as it orbits Earth.
- The Moon's phases are caused by Earth's shadow falling on it each night.
* electric circuits
+ Current flows only when a circuit is closed, giving the charge a complete path.
- Electricity flows better through a broken circuit because there is less in the way.
* melting and boiling
+ Adding heat can turn a solid into a liquid and a liquid into a gas.
- Adding heat always turns a gas back into a solid.

== math
difficulty 0.5 | fact 1.6 | caveat 0.0 | sensitive 0
? How do I work out {subject}?
? Can you explain {subject} step by step?
? I keep getting {subject} wrong. What's the rule?
? What's the key idea behind {subject}?
? What should I remember about {subject} for my exam?
> Write down what you know and what you are asked to find.
> Work through a small example with simple numbers first.
> Check the answer by plugging it back into the original problem.
> Estimate roughly before calculating so you notice an answer that is way off.
> Keep track of units and signs at every step.
! Check the conventions your course uses, since notation varies.
* the derivative of x squared
+ The derivative of x squared is 2x.
- The derivative of x squared is x cubed divided by 3.
* the angles of a triangle
+ The interior angles of a triangle always add up to 180 degrees.
- The interior angles of a triangle add up to 360 degrees.
* successive percentage changes
+ A 10% rise followed by a 10% fall leaves you slightly below where you started.
- A 10% rise followed by a 10% fall always brings you back exactly to the start.
* dividing by zero
+ Division by zero is undefined, because no number times zero gives a non-zero result.
- Any number divided by zero equals zero.
* the Pythagorean theorem
+ In a right triangle, the square of the hypotenuse equals the sum of the squares of the others.
- In a right triangle, the hypotenuse equals the sum of the other two sides.
* prime numbers
+ A prime has exactly two divisors, 1 and itself, so 1 is not prime and 2 is the only even prime.
- All odd numbers are prime, and 2 is not prime because it is even.
* the area of a circle
+ The area of a circle is pi times the radius squared.
- The area of a circle is two times pi times the radius.
* the order of operations
+ Multiplication comes before addition, so 2 + 3 * 4 is 14.
- You always work left to right, so 2 + 3 * 4 is 20.
* the probability of independent events
+ For independent events, the probability that both happen is the product of their probabilities.
- For independent events, the probability that both happen is the sum of their probabilities.
* multiplying negative numbers
+ Multiplying two negative numbers gives a positive result.
- Multiplying two negative numbers gives a negative result.

== programming
difficulty 0.55 | fact 1.2 | caveat 0.3 | sensitive 0
? How do I deal with {subject} in my code?
? Can you explain {subject} to a junior developer?
? I'm reviewing a pull request that touches {subject}. What should I check?
? What's the common pitfall with {subject}?
? Explain {subject} from a practical angle.
> Write a small test that reproduces the behaviour before changing anything.
> Read the stack trace from the bottom up to find the first line of your own code.
> Change one thing at a time and rerun the tests.
> Check the official documentation for the exact version you are using.
> Add a comment explaining why, not what, when the code is not obvious.
> Ask for a code review before merging larger changes.
! Behaviour can differ between language versions, so check the docs for yours.
! Try the change on a branch or a copy before touching production.
* Python's mutable default arguments
+ A mutable default such as a list is created once and shared between calls, so default to None.
- Python creates a fresh default list on every call, so mutable defaults are always safe.
* comparing floating-point numbers
+ Floating-point numbers are approximate, so compare them with a tolerance rather than ==.
- Floating-point arithmetic is exact, so 0.1 + 0.2 == 0.3 is always true.
* rebasing shared Git branches
+ Rebasing rewrites commit history, so avoid rebasing branches that others have already pulled.
- Rebasing never changes commit history, so it is always safe on shared branches.
* loop bounds in Python
+ Python's range(n) stops before n, so range(5) yields 0 to 4.
- Python's range(5) yields the numbers 1 to 5.
* NULL in SQL
+ In SQL, NULL = NULL is not true; use IS NULL to test for missing values.
- In SQL, NULL = NULL is true, so you can compare missing values with =.
* equality in JavaScript
+ In JavaScript, === compares without type coercion, while == converts types first.
- In JavaScript, == and === are identical; the extra sign is just style.
* storing timestamps
+ Store timestamps in UTC and convert to local time only for display.
- Store timestamps in each user's local time; time zones never cause bugs.
* the cost of binary search
+ Binary search on a sorted list takes O(log n) comparisons.
- Binary search takes O(n squared) comparisons, so it is slower than a linear scan.
* secrets in source code
+ API keys belong in environment variables or a secrets manager, not in the repository.
- It is fine to commit API keys to a public repository if the file name is obscure.
* division in Python 3
+ In Python 3, 7 / 2 gives 3.5, while 7 // 2 gives 3.
- In Python 3, 7 / 2 gives 3 because / always rounds down to an integer.
"""
