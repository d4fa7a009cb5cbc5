"""Coupons (优惠券): channels with budgets, templates, coupons issued to merchants, and the
coupon step of the order saga (lock at charge time, redeem on payment, give back on close)."""
