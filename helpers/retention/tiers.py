"""Member tiers: size, spend and repurchase by the ``customers.member_tier`` value."""

from __future__ import annotations

import pandas as pd

TIER_COLUMNS = ["member_tier", "members", "buyers", "spend", "spend_per_buyer", "repeat_rate"]


def tier_summary(rfm: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Per member tier: ``members`` (customers rows with the tier), ``buyers`` (of them, with
    a kept purchase), ``spend`` (their net spend), ``spend_per_buyer = spend / buyers`` and
    ``repeat_rate`` = buyers with two or more kept orders / buyers.

    Customers without a tier are left out; an empty frame when no customer has one.
    """
    if "member_tier" not in customers.columns:
        return pd.DataFrame(columns=TIER_COLUMNS)
    members = customers.loc[customers["member_tier"].notna() & (customers["member_tier"] != "")]
    if members.empty:
        return pd.DataFrame(columns=TIER_COLUMNS)
    m = members[["customer_id", "member_tier"]].astype({"customer_id": str})
    joined = m.merge(rfm[["customer_id", "frequency", "monetary"]], on="customer_id", how="left")
    g = joined.groupby("member_tier")
    out = pd.DataFrame(
        {
            "members": g["customer_id"].nunique(),
            "buyers": g["frequency"].count(),
            "spend": g["monetary"].sum(),
            "repeat_buyers": g["frequency"].apply(lambda f: int((f >= 2).sum())),
        }
    )
    out["spend_per_buyer"] = out["spend"] / out["buyers"].where(out["buyers"] > 0)
    out["repeat_rate"] = out["repeat_buyers"] / out["buyers"].where(out["buyers"] > 0)
    out = out.sort_values("spend", ascending=False).rename_axis("member_tier").reset_index()
    return out.loc[:, TIER_COLUMNS]
