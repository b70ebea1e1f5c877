"""Word lists for bench/generate.py: companies, products, agents, and note fragments.

Fragments are combined at random, so a million notes read differently while staying
plausible. Slots: {product}, {n} (a small number), {agent} (a first name).
"""

MARKETPLACES = ("Amazon", "Bazaarly", "ShopSquare")
MARKETPLACE_CATEGORIES = ("missing_package", "late_delivery", "damaged", "not_as_described",
                          "refund", "price_change", "shipping", "product_question", "policy",
                          "subscription")
# kind of business -> the categories its cases fall into
COMPANY_KINDS = {
    "Fibre": ("technical", "billing", "account", "policy", "other"),
    "Bank": ("billing", "account", "refund", "policy", "other"),
    "Airways": ("refund", "late_delivery", "policy", "billing", "other"),
    "Cloud": ("billing", "technical", "account", "subscription"),
    "Mobile": ("billing", "technical", "subscription", "account"),
    "Furniture": ("damaged", "late_delivery", "not_as_described", "refund", "missing_package"),
    "Electronics": ("damaged", "not_as_described", "refund", "technical", "price_change"),
    "Energy": ("billing", "account", "policy"),
    "Insurance": ("refund", "policy", "billing", "account"),
    "Rail": ("refund", "late_delivery", "policy"),
    "Couriers": ("missing_package", "late_delivery", "damaged", "shipping"),
    "Pharmacy": ("missing_package", "billing", "product_question"),
    "Books": ("missing_package", "damaged", "refund", "subscription"),
    "Outdoor": ("damaged", "not_as_described", "refund", "product_question"),
    "Streaming": ("subscription", "billing", "technical", "account"),
    "Hosting": ("technical", "billing", "account"),
    "Motors": ("technical", "billing", "policy", "other"),
    "Appliances": ("damaged", "technical", "late_delivery", "refund"),
}
COMPANY_STEMS = (
    "Northwind", "Harbour", "Skylark", "Nimbus", "Kestrel", "Oakden", "Brightwater", "Metro",
    "Bluefin", "Silverline", "Redwood", "Greenleaf", "Pinecrest", "Riverside", "Summit",
    "Atlas", "Delta", "Echo", "Falcon", "Granite", "Horizon", "Ironbridge", "Juniper",
    "Keystone", "Lakeside", "Meridian", "Nova", "Orchard", "Pioneer", "Quarry", "Rowan",
    "Sterling", "Thistle", "Upland", "Vantage", "Westgate", "Yarrow", "Zenith", "Alder",
    "Beacon", "Cobalt", "Driftwood", "Ember", "Foxglove", "Glenmore", "Heron", "Inkwell",
)
SELLERS = ("BrightHome Goods", "Lumen & Co", "KitchenPro Direct", "GadgetHut", "Trailside Gear",
           "Paper Lantern Books", "Vivid Audio", "Nordic Nest", "PetPal Supplies",
           "Crafty Corner", "UrbanRide Bikes", "SoundWave Outlet")
CATEGORY_TITLES = {
    "missing_package": ("{product} never arrived", "Parcel with the {product} marked delivered "
                        "but not here", "Where is my {product}?"),
    "late_delivery": ("{product} two weeks late", "Delivery date for the {product} keeps moving",
                      "Late {product}: asked for compensation"),
    "damaged": ("{product} arrived damaged", "Cracked {product} in the box",
                "{product} broke after {n} days"),
    "not_as_described": ("{product} not as described", "Wrong colour {product}",
                         "{product} is smaller than listed"),
    "refund": ("Refund for the returned {product}", "Refund still missing for {product}",
               "Cancelled order refund ({product})"),
    "price_change": ("Price dropped on the {product}", "Price difference refund for {product}"),
    "subscription": ("Unwanted subscription renewal", "Cancel the {product} plan",
                     "Charged after cancelling the trial"),
    "billing": ("Billed twice this month", "Unexpected fee on the statement",
                "Wrong tariff applied since the upgrade"),
    "shipping": ("Tracking for the {product} stuck", "Change the delivery address for {product}",
                 "{product} shipped to the old address"),
    "product_question": ("Does the {product} fit?", "Spare parts for the {product}",
                         "Warranty terms for the {product}"),
    "policy": ("Return window for the {product}", "Compensation rules for delays",
               "Can they waive the fee?"),
    "technical": ("Connection drops every evening", "{product} will not pair", "Outage since "
                  "Monday", "App crashes on login"),
    "account": ("Locked out of the account", "Change the account holder", "Close the account"),
    "other": ("General complaint", "Follow-up on the {product}", "Feedback about the service"),
}
PRODUCT_ADJ = ("wireless", "stainless", "ergonomic", "compact", "smart", "cordless", "folding",
               "waterproof", "oak", "ceramic", "portable", "4K", "noise-cancelling", "electric",
               "cast-iron", "linen", "glass", "bamboo", "leather", "solar")
PRODUCT_NOUN = ("headphones", "kettle", "desk", "router", "blender", "sofa", "monitor", "lamp",
                "backpack", "vacuum", "drill", "camera", "mattress", "bookshelf", "jacket",
                "speaker", "air fryer", "phone case", "tent", "printer", "wardrobe", "bike",
                "toaster", "keyboard")
AGENT_FIRST = ("Priya", "Tom", "Aisha", "Marco", "Lena", "Kwame", "Sofia", "Dmitri", "Hana",
               "Jorge", "Fatima", "Liam", "Mei", "Oskar", "Nadia", "Ravi", "Elena", "Sam",
               "Yusuf", "Chloe", "Ines", "Arjun", "Grace", "Tariq", "Zoe", "Pavel", "Amara",
               "Diego", "Freya", "Kenji")
AGENT_LAST = ("A", "B", "C", "D", "F", "G", "H", "K", "L", "M", "N", "P", "R", "S", "T", "W")
NOTE_OPENERS = (
    "Called about the {product}.", "Opened a chat about the {product}.",
    "Sent the details of the {product} order by e-mail.", "{agent} picked up after a while.",
    "Second attempt today.", "Explained the problem again from the start.",
    "They called me back as promised.", "Wrote through the contact form.",
    "Went to the store with the receipt.", "Replied to their last message.",
    "Gave the order number and the delivery date.", "Asked to speak to someone in returns.",
)
NOTE_REPLIES = (
    "The agent said the refund is already processing.",
    "{agent} could not find the order at first.", "They say the courier lost the parcel.",
    "Was told the warehouse is checking stock.",
    "The agent read out the return policy and nothing else.",
    "They asked for photos of the damage.", "Transferred to billing, who transferred me back.",
    "Got a generic answer about delivery times.",
    "The agent confirmed the price difference can be refunded.",
    "They need a supervisor to approve it.", "Line went silent and the call dropped.",
    "{agent} was helpful and took notes of everything.",
    "They blamed the third-party seller.", "The system was down so nothing could be changed.",
    "Offered store credit instead of a refund.", "Said the technician visit is booked.",
)
NOTE_ASKS = (
    "Asked for a full refund.", "Asked for a replacement to be sent.", "Asked for a written "
    "confirmation.", "Asked for the reference number.", "Asked when the delivery will come.",
    "Asked them to waive the fee.", "Asked for the transcript by e-mail.", "Asked to escalate "
    "to a supervisor.", "Asked for compensation for the delay.", "Asked for a callback.",
)
NOTE_NEXT = (
    "They will call back within {n} days.", "Refund in {n} business days.",
    "Replacement to ship within {n} days.", "Supervisor to reply within {n} days.",
    "Credit on the next bill.", "Engineer visit in {n} days.", "Courier claim answer in {n} days.",
)
# Words that appear in very few notes, for the rare-word search benchmark.
RARE_WORDS = ("ombudsman", "chargeback", "arbitration", "subrogation")
TRANSCRIPT_LINES = (
    "Agent: Thanks for contacting us, my name is {agent}. How can I help?",
    "Me: I'm writing about the {product} I ordered.", "Me: It still has not arrived.",
    "Agent: I'm sorry to hear that. Can I have the order number?",
    "Me: Sure, it is in the subject line.", "Agent: Thank you, one moment while I check.",
    "Agent: I can see the parcel left the depot {n} days ago.",
    "Me: The tracking has not moved since then.", "Agent: I will raise a claim with the courier.",
    "Me: How long will that take?", "Agent: Usually {n} business days.",
    "Me: I would prefer a refund if it does not arrive by Friday.",
    "Agent: I have added a note to the order.", "Agent: Is there anything else I can help with?",
    "Me: Please e-mail me a copy of this chat.",
    "Agent: Done, you will get the transcript shortly.",
    "Me: The price dropped a few days after I bought it.",
    "Agent: I can refund the difference as it is within the price protection window.",
    "Agent: Let me transfer you to the right team.", "Me: Please do not close the chat yet.",
)
