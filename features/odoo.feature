@e2e @odoo
Feature: Accounting in Odoo through approvals
  Cloud drafts in Odoo with a draft-only server and asks; the human approves in Obsidian;
  Local posts, emails and pays with the executive server. A payment that failed is never
  tried again on the same approval: only a fresh approval pays. Every check reads Odoo,
  the SMTP server or the remote, never what an agent says.

  Background:
    Given a Platinum world on the processes backend

  Scenario: An invoice request becomes a posted invoice that is emailed to the customer
    When the customer mail "invoice" arrives
    Then Cloud drafts one invoice in Odoo for "invoice" and asks to post and send it
    When the human approves the finance action "post_invoice" for "invoice"
    And the human approves the finance action "send_invoice" for "invoice"
    Then the invoice for "invoice" is posted in Odoo with an INV number
    And the invoice for "invoice" is emailed as one threaded reply naming its number
    And the task for "invoice" is filed in Done with both finance approvals
    And Local's audit log holds the entries invoice_posted and invoice_emailed

  Scenario: A payment the customer reports is registered once the human approves it
    Given a posted invoice of 2400 EUR for Anna Keller in Odoo
    When Anna reports having paid that invoice as "paid"
    Then Cloud asks to register a payment of 2400 on that invoice for "paid"
    And Odoo holds no payment on that invoice yet
    When the human approves the finance action "register_payment" for "paid"
    Then the invoice is paid in Odoo with exactly one payment
    And Local's audit log holds the entries payment_registered

  Scenario: A failed payment is never retried without a fresh approval
    Given a posted invoice of 2400 EUR for Anna Keller in Odoo
    And Odoo will refuse the next payment with a UserError
    When Anna reports having paid that invoice as "first"
    And the human approves the finance action "register_payment" for "first"
    Then the payment approval for "first" is filed as failed with an alert
    When Odoo's faults are cleared
    And Anna reports having paid that invoice as "again"
    Then Cloud asks to register a payment of 2400 on that invoice for "again"
    And the failed approval for "first" was attempted once and never paid
    And Odoo holds no payment on that invoice yet
    When the human approves the finance action "register_payment" for "again"
    Then the invoice is paid in Odoo with exactly one payment
    And the failed approval for "first" was attempted once and never paid
