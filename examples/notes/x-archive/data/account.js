window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "mira@example.com",
      "createdVia" : "web",
      "username" : "mira_builds",
      "accountId" : "1234567890",
      "createdAt" : "2012-05-01T10:00:00.000Z",
      "accountDisplayName" : "Mira Lin"
    }
  }
]