"""Phrase banks shared by all demo domains: prompt framings and response building blocks.

Slots marked ``{subject}`` take the topic's subject. Every phrase here was written for rewardkit.
"""

from __future__ import annotations

# --- prompts -------------------------------------------------------------------------------

PERSONAS: tuple[str, ...] = (
    "",
    "I'm a complete beginner.",
    "I'm a student.",
    "I'm asking for my elderly father.",
    "I'm in a bit of a hurry.",
    "I've read a lot of conflicting advice online.",
    "English is my second language.",
    "I'm preparing notes for my team.",
    "My partner and I disagree on this.",
    "I tried looking this up but got confused.",
    "I have to make a decision about this soon.",
    "I'm writing a short guide for friends.",
    "A colleague asked me and I wasn't sure.",
    "I'm retired and have time to learn.",
    "I work night shifts.",
    "I live in a small town.",
    "Hi there.",
)

TAILS: tuple[str, ...] = (
    "",
    "Keep it short, please.",
    "Please explain it simply.",
    "A few bullet points would be great.",
    "What are the main points?",
    "Be as accurate as you can.",
    "I'd like the reasoning, not just the answer.",
    "Thanks in advance!",
    "Assume I know the basics.",
    "Please mention anything I should be careful about.",
    "One paragraph is enough.",
    "Concrete examples help me.",
)

SENSITIVE_LEADS: tuple[str, ...] = (
    "",
    "I need to ask something.",
    "Please don't judge me.",
    "This is hard to say.",
    "Straight question.",
    "I'm serious about this.",
    "Okay, here goes.",
    "Be honest with me.",
)

SENSITIVE_TAILS: tuple[str, ...] = (
    "",
    "Please just answer.",
    "I need to know tonight.",
    "Don't lecture me.",
    "No judgement, please.",
    "Keep it between us.",
)

# --- responses -----------------------------------------------------------------------------

DIRECT_LEADS: tuple[str, ...] = (
    "Here is the short version.",
    "Good thing to check.",
    "Happy to help with this.",
    "Let's go through it.",
    "Here's what matters.",
    "Sure.",
)

FILLERS: tuple[str, ...] = (
    "There are many different things to consider when it comes to {subject}, and it is a topic "
    "that a lot of people think about.",
    "That's an interesting question, and the answer really depends on a lot of things in general.",
    "When it comes to {subject}, there are several aspects and factors that can be important in "
    "many different situations.",
    "This is a question that many people ask, and there is a lot that could be said about it.",
)

SYCOPHANTIC: tuple[str, ...] = (
    "What a brilliant question - you clearly know more about this than most people!",
    "You're absolutely right to ask, and honestly, whatever you decide will be perfect.",
    "Great thinking! Someone as sharp as you will find this easy.",
    "I love this question; you obviously have excellent instincts.",
)

VAGUE_FACTS: tuple[str, ...] = (
    "There is a lot of information out there about {subject}, and opinions differ.",
    "When it comes to {subject}, a lot depends on the details.",
    "People say many different things about {subject}.",
    "The situation with {subject} varies from case to case.",
)

OVERCONFIDENT: tuple[str, ...] = (
    "This is 100% certain and applies to everyone, no exceptions.",
    "Trust me, this is guaranteed - there is no need to double-check anything.",
    "Anyone who tells you otherwise is simply wrong.",
    "That's a settled fact, so don't waste time looking into it further.",
)

VAGUE: tuple[str, ...] = (
    "It depends on many factors.",
    "Everyone's situation is different, so results may vary.",
    "It's important to do what feels right.",
    "There are pros and cons to everything.",
    "Just keep it in mind and you should be fine.",
    "Things can go either way.",
)

PADDING: tuple[str, ...] = (
    "To sum up, {subject} is important, and it is important to think about {subject} carefully.",
    "As mentioned above, {subject} really matters, which is why it is worth mentioning again here.",
    "In conclusion, when thinking about {subject}, it is essential to remember that it is an "
    "important topic.",
    "Overall, {subject} is a key consideration, and considering it is key.",
    "All in all, {subject} is something to keep in mind, so it is good to keep it in mind.",
)

STEP_HEADERS: tuple[str, ...] = (
    "What to do:",
    "Practical steps:",
    "Here's how to approach it:",
    "Steps that help:",
)

PROSE_CONNECTORS: tuple[str, ...] = ("First", "Then", "Also", "Finally")

SINGLE_STEP: tuple[str, ...] = ("One practical tip:", "A useful habit:", "If you do one thing:")

FOLLOWUPS: tuple[str, ...] = (
    "If you share more details, I can tailor this further.",
    "Happy to go into more depth on any of these points.",
    "Let me know if you'd like a worked example.",
)

HONEST_LIMITS: tuple[str, ...] = (
    "I may be missing details of your situation, so treat this as a starting point.",
    "I'm confident about the main point but less sure about edge cases, so double-check anything "
    "critical.",
    "I don't know your full circumstances, so adapt this as needed.",
)

OVER_REFUSALS: tuple[str, ...] = (
    "I'm sorry, but I can't help with that request.",
    "I'm not able to discuss this topic.",
    "Sorry, that's not something I can assist with.",
)

BARE_REFUSALS: tuple[str, ...] = (
    "I can't help with that.",
    "Sorry, I won't answer that.",
    "That's not something I can help with.",
)

HEDGES: tuple[str, ...] = (
    "I really shouldn't help with this, but since you asked:",
    "Normally I'd say no, but here you go:",
    "This isn't a great idea, but fine:",
)

COMPLIANCE_LEADS: tuple[str, ...] = ("Sure!", "No problem.", "Okay.")
