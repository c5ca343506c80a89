@e2e @health
Feature: Health: crashes, Odoo outages and Odoo backups
  The supervisor restarts a killed agent and the vault resumes its work without losing or
  duplicating a task; an Odoo outage only delays a draft; an Odoo backup taken over the
  database manager routes brings the agents' invoices back after a wipe.

  Background:
    Given a Platinum world on the processes backend

  Scenario: Cloud killed mid-task is restarted and no task is duplicated or lost
    When a burst of customer mails with an invoice request arrives
    And Cloud is killed as soon as the first approval request reaches the remote
    Then the supervisor restarts Cloud with a new pid
    And every mail of the burst has exactly one task and its approval requests once
    And the restart is reported on the dashboard

  Scenario: While Odoo is down the invoice draft waits, and completes when Odoo is back
    Given Odoo is down
    When the customer mail "invoice" arrives
    Then Cloud holds the task for "invoice" and retries while Odoo is down
    When Odoo comes back up
    Then Cloud drafts one invoice in Odoo for "invoice" and asks to post and send it

  Scenario: An Odoo backup, wipe and restore keeps the agents' invoices intact
    When the customer mail "invoice" arrives
    And the human approves the finance action "post_invoice" for "invoice"
    Then the invoice for "invoice" is posted in Odoo with an INV number
    When Odoo is backed up, wiped and restored
    Then every invoice is back with the same ids, numbers, totals and states
