"""Vocabulary for everyday usefulness-driven domains (format: see ``domains.py``)."""

EVERYDAY = """
== cooking
difficulty 0.35 | fact 1.0 | caveat 0.5 | sensitive 0
? What's the trick to {subject}?
? I'm cooking for friends tonight. Any advice on {subject}?
? Why does {subject} keep going wrong for me?
? Explain {subject} for a beginner cook.
? What do good cooks know about {subject}?
> Read the whole recipe before you start and lay out your ingredients.
> Taste as you go and adjust the seasoning at the end.
> Preheat the oven or pan properly before the food goes in.
> Use a timer, and check a little before the time is up.
> Let meat rest for a few minutes after cooking.
> Keep raw meat on a separate board from vegetables.
! Check for guests' allergies before serving, especially nuts and shellfish.
! Cook poultry all the way through; a food thermometer removes the guesswork.
* cooking chicken safely
+ Chicken is safe when the thickest part reaches 74 C (165 F).
- Chicken is safe to eat as long as the outside is browned, even if the middle is pink.
* searing meat
+ Searing browns the surface for flavour, but it does not seal in the juices.
- Searing seals in all the juices, so seared meat can never dry out.
* resting bread dough
+ Resting dough lets the gluten relax and the yeast work, which helps texture and rise.
- Resting dough is unnecessary because yeast only works once it is in the oven.
* boiling pasta
+ Pasta needs plenty of well-salted boiling water; stirring early does more than adding oil.
- Adding oil to the water is what stops pasta sticking; stirring does nothing.
* storing leftovers
+ Refrigerate leftovers within about two hours and eat them within a few days.
- Leftover rice keeps for a week at room temperature if the lid is on.
* baking soda and baking powder
+ Baking soda needs an acid to react, while baking powder already contains its own acid.
- Baking soda and baking powder are the same thing and can always be swapped one for one.
* cutting onions without tears
+ A sharp knife crushes fewer onion cells, so less irritating vapour reaches your eyes.
- Onions make you cry because of their salt, so rinsing your eyes first prevents it.
* thawing frozen meat
+ Thaw meat in the fridge or in cold water, not on the counter at room temperature.
- Thawing meat on the counter overnight is the safest method.
* seasoning a cast iron pan
+ Seasoning a cast iron pan means baking on thin layers of oil to form a protective coating.
- Seasoning a cast iron pan means soaking it in soapy water overnight.
* fluffy rice
+ Rinsing rice removes surface starch, which helps the grains stay separate.
- Rinsing rice adds starch, which is what makes rice fluffy.

== travel
difficulty 0.35 | fact 0.9 | caveat 0.6 | sensitive 0
? I'm planning a trip. What should I know about {subject}?
? Any tips on {subject} for a first-time traveller?
? What's the most common mistake with {subject}?
? Can you give me practical advice on {subject}?
? We're travelling with family soon. How should we handle {subject}?
> Check your passport's expiry date well before booking.
> Keep digital and paper copies of your documents apart from the originals.
> Tell your bank your travel dates and carry a backup card.
> Save the address of your accommodation offline.
> Leave some slack in the schedule for delays.
! Entry rules change, so check the official government website for your destination.
! Consider travel insurance that covers medical care abroad.
* passport validity
+ Many countries require your passport to be valid for several months beyond your stay.
- A passport stays valid for travel until the day after it expires.
* jet lag
+ Getting daylight at your destination's local morning helps your body clock adjust.
- Sleeping all day after arrival is the fastest way to beat jet lag.
* travel insurance
+ Travel insurance can cover medical costs abroad, which can otherwise be very expensive.
- Home health insurance always covers everything abroad, so travel insurance is pointless.
* liquids in hand luggage
+ Many airports limit hand-luggage liquids to small containers in one clear bag.
- There are no limits on liquids in hand luggage anywhere in the world.
* tipping abroad
+ Tipping customs vary a lot by country, so check local norms before you go.
- Tipping is exactly 20% in every country in the world.
* exchanging currency
+ Airport exchange counters often have poor rates; a card without foreign fees is usually cheaper.
- Airport exchange counters always offer the best rates available anywhere.
* visas
+ Whether you need a visa depends on your nationality and destination, so check in advance.
- Nobody ever needs a visa for a holiday shorter than three months.
* drinking water on flights
+ Cabin air is dry, so drinking water regularly on long flights helps you feel better.
- Cabin air is very humid, so you do not need to drink anything on long flights.
* travelling with medication
+ Carry medication in hand luggage, in its original packaging, with a copy of the prescription.
- Medication should always go in checked luggage, since labels only cause trouble at security.
* rail passes
+ Rail passes pay off mainly for many long journeys; compare them with single tickets first.
- A rail pass is always cheaper than buying tickets, even for one short trip.

== writing-help
difficulty 0.3 | fact 0.6 | caveat 0.1 | sensitive 0
? Can you help me with {subject}?
? I'm struggling with {subject}. Any advice?
? What makes {subject} work well?
? Give me concrete tips on {subject}.
? What do editors look for in {subject}?
> Start with one sentence that states your main point.
> Cut words that add no meaning, such as "very" and "really".
> Use concrete examples rather than general claims.
> Read the draft aloud to catch awkward sentences.
> Put the draft aside for a while, then edit with fresh eyes.
> Keep each paragraph to one idea.
! Adjust the style to your audience and to any guidelines you have been given.
* a cover letter
+ A good cover letter links two or three of your achievements to the job's specific needs.
- A cover letter should repeat your CV word for word so nothing gets missed.
* a thesis statement
+ A thesis statement makes a specific, arguable claim that the rest of the essay supports.
- A thesis statement should be a neutral fact that nobody could disagree with.
* the passive voice
+ Active voice is usually clearer, though passive voice is fine when the actor does not matter.
- The passive voice is grammatically incorrect and must never be used.
* the opening of a short story
+ Opening close to a moment of change draws readers in faster than pages of background.
- A story should open with several pages of background before anything happens.
* email subject lines
+ A specific subject line such as "Invoice 214 due Friday" gets read faster than a vague one.
- Readers ignore subject lines, so leaving them blank is best.
* citing sources
+ Cite the sources of quotes, data and borrowed ideas, in the style your reader expects.
- You only need to cite a source when you copy a full page word for word.
* a eulogy
+ A eulogy works best with a few specific memories that show who the person was.
- A eulogy should list every date in the person's life and avoid personal stories.
* its and it's
+ Its without an apostrophe is possessive, while it's means it is or it has.
- It's with an apostrophe is the possessive, as in "the dog wagged it's tail".
* a persuasive essay
+ A persuasive essay is stronger when it answers the best counterargument.
- A persuasive essay should never mention opposing views.
* a CV summary
+ A short CV summary names your role, your strengths and one measurable result.
- A CV summary should fill at least a full page with your life story.

== customer-support
difficulty 0.3 | fact 0.8 | caveat 0.3 | sensitive 0
? How should I handle {subject}?
? I work in customer support. What's the best approach to {subject}?
? What's the right way to deal with {subject}?
? Any advice for {subject}?
? Our team handles {subject} inconsistently. What's best practice?
> Acknowledge the problem in the customer's own words before proposing a fix.
> Collect the order number, dates and any screenshots in one message.
> Offer a clear next step and a realistic time frame.
> Write a short summary in the ticket so the next person has context.
> Follow up once the issue is resolved to confirm the fix worked.
! Check your company's own policy before promising refunds or exceptions.
* an angry customer on the phone
+ Staying calm, listening fully and acknowledging the frustration usually lowers the tension.
- Interrupting an angry customer and talking louder shows confidence and ends calls faster.
* a refund request after the return window
+ Explain the policy honestly, then check whether an exception or another remedy applies.
- Tell the customer refunds are illegal after the return window so they stop asking.
* a delayed delivery
+ Sharing the tracking status and an honest estimate builds more trust than vague promises.
- Promise the parcel will arrive tomorrow, even if you have no idea where it is.
* escalating a ticket
+ Escalate with a clear summary of what was tried, so the customer need not repeat everything.
- Escalate without notes; the next team prefers to start from scratch.
* writing a complaint to a company
+ A complaint works best when it is specific, polite and states the outcome you want.
- A complaint works best written in capitals and threatening the staff.
* a billing error
+ Ask for an itemised bill and compare each charge with what was agreed.
- Billing errors are always the customer's fault, so there is no point checking the bill.
* a product that arrived damaged
+ Photograph the damage and packaging at once and report it within the retailer's time limit.
- Throw away the damaged item and its packaging before contacting the retailer.
* cancelling a subscription
+ Cancel through the official account page or in writing, and keep the confirmation.
- Deleting the app automatically cancels any paid subscription.
* a request to speak to a manager
+ Bring in a supervisor when you cannot resolve the issue, and brief them first.
- Never let a customer talk to a manager, even when you cannot help them.
* response time promises
+ Set a realistic response time and update the customer if it slips.
- Never give customers a time frame, so they cannot complain when you are late.

== education
difficulty 0.4 | fact 1.0 | caveat 0.2 | sensitive 0
? What does the evidence say about {subject}?
? I'm a teacher. How should I approach {subject}?
? As a student, how can I make good use of {subject}?
? How much does {subject} really matter?
? What's a myth about {subject} that I should stop believing?
> Break study time into short sessions spread over several days.
> Test yourself instead of rereading your notes.
> Explain the idea out loud as if you were teaching someone else.
> Mix different types of problems in one session.
> Get feedback early and use it on the next piece of work.
! What works best varies between learners and subjects, so give a method a few weeks.
* spaced repetition
+ Spreading study over days, rather than cramming, tends to improve long-term memory.
- Cramming the night before is the most reliable way to remember something for years.
* learning styles
+ Research finds little support for teaching to a single visual or auditory learning style.
- Every student learns through one fixed learning style, which teaching must always match.
* practice testing
+ Recalling answers from memory, as in practice tests, strengthens learning more than rereading.
- Practice tests only measure learning and do nothing to improve it.
* note-taking in lectures
+ Summarising in your own words helps learning more than copying the slides word for word.
- Copying every slide word for word is the best way to understand a lecture.
* sleep before exams
+ Sleep helps consolidate memories, so an all-nighter before an exam usually backfires.
- Skipping sleep before an exam improves memory because the brain stays active.
* feedback on essays
+ Specific feedback tied to clear criteria helps students improve more than a bare grade.
- A grade on its own is the most useful feedback a student can get.
* reading to young children
+ Reading aloud to young children builds vocabulary and listening skills.
- Reading to children before they can read themselves has no benefit.
* interleaved practice
+ Mixing related problem types in one session helps students learn to pick the right method.
- Practising only one problem type at a time is always better for exams.
* group projects
+ Group projects work better when each member has a clear role and individual accountability.
- Group projects work best when nobody is given a specific role.
* learning a language as an adult
+ Regular short practice with speaking and listening beats occasional long sessions.
- Adults cannot learn a new language; only young children can.
"""
