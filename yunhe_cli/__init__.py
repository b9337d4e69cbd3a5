"""yunhe: track the delivery of Yunhe County's Ten Major Projects plan (2023–2027)."""

__version__ = "0.2.0"
